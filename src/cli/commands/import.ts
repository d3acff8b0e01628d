/**
 * `converge import KEY ID [--dir DIR]`: adopt an object created outside converge as the object
 * KEY of the manifests (Terraform's `import`). Under the state lock: the key must be one the
 * manifests desire and not yet recorded; the backend's driver reads the object by ID, refuses one
 * another owner manages (OTHER_OWNER), writes converge's marker where the backend can carry one
 * (IM RADL description, XenAPI other_config; journaled like every mutating call), and the ids
 * are recorded in state. Nothing else is changed: `converge plan` then shows how the object
 * differs from its manifest. Backend types without `adopt` are refused by name.
 */
import { ConvergeError } from '../../errors/converge-error.js';
import { makeApplyContext } from '../../engine/apply-context.js';
import type { Workspace } from '../../engine/workspace.js';
import type { AdoptResult, DesiredObject } from '../../backends/driver.js';
import { loadValidManifests } from '../../workspace/open-workspace.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import type { CommonOptions } from '../options.js';
import type { Output } from '../output.js';
import { runUnderLock } from '../run-under-lock.js';

export async function importCommand(dir: string, key: string, id: string, out: Output, options: CommonOptions & { lockTimeoutMs: number }): Promise<ExitCode> {
  const manifests = await loadValidManifests(dir);
  return runUnderLock(dir, manifests, out, options, `converge import ${key} ${id}`, async ({ ws, signal }) => {
    const desired = desiredObject(ws, key);
    const driver = ws.drivers.get(desired.backend)!;
    if (!driver.adopt) {
      throw new ConvergeError('INVALID', 'IMPORT_UNSUPPORTED', `import is not supported for backend type ${driver.type} (backend ${driver.name})`);
    }
    let state = await ws.store.read();
    const recorded = state.objects[key];
    if (recorded && !recorded.orphaned && Object.keys(recorded.ids).length > 0) {
      throw new ConvergeError('CONFLICT', 'IMPORT_ALREADY_MANAGED', `${key} is already managed (${describe(recorded.ids)}); \`converge state rm ${key}\` first to import another object`);
    }
    // The owner written into the marker comes from the state: persist it before any marker call.
    if (state.serial === 0) state = await ws.store.write(state, 0);
    const ctx = makeApplyContext({ key, backend: desired.backend, action: 'update', owner: state.owner, journal: ws.store.journal, signal, sink: out, stats: ws.stats });
    const result = await driver.adopt(desired, id, { ...ctx, records: Object.values(state.objects).filter((r) => r.backend === desired.backend) });
    await record(ws, desired, result);
    await ws.store.journal.compact();
    if (out.json) out.record({ type: 'imported', key, backend: desired.backend, ids: result.ids, note: result.note });
    else {
      out.line(`Imported ${key} (backend ${desired.backend}${Object.keys(result.ids).length > 0 ? `, ${describe(result.ids)}` : ''}): ${result.note}.`);
      out.line(`Run \`converge plan ${dir}\` to see how it differs from its manifest.`);
    }
    return EXIT.ok;
  });
}

function desiredObject(ws: Workspace, key: string): DesiredObject {
  const desired = ws.desired.find((d) => d.key === key);
  if (desired) return desired;
  const keys = ws.desired.map((d) => d.key).join(', ');
  throw new ConvergeError('INVALID', 'USAGE', `import ${key}: not an object the manifests desire; add its resource to the manifests first (desired objects: ${keys})`);
}

/** record writes the adopted object into state, re-reading it so the write is against the latest serial. */
async function record(ws: Workspace, desired: DesiredObject, result: AdoptResult): Promise<void> {
  const state = await ws.store.read();
  const now = new Date().toISOString();
  const existing = state.objects[desired.key];
  state.objects[desired.key] = {
    key: desired.key,
    kind: desired.kind,
    backend: desired.backend,
    ids: result.ids,
    deletionPolicy: desired.deletionPolicy,
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
    ...(result.extra ? { extra: result.extra } : {}),
  };
  await ws.store.write(state, state.serial);
}

function describe(ids: Record<string, string>): string {
  return Object.entries(ids).map(([k, v]) => `${k}=${v}`).join(', ');
}
