/**
 * `converge status [dir]`: what converge manages and how it is doing — per object its backend
 * ids, live phase (observed now) and the last apply recorded in state, with its git revision.
 * Read-only: no lock, no mutating call.
 */
import { settleGraceFor } from '../../engine/plan-pass.js';
import { survey } from '../../engine/survey.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { openWorkspace } from '../../workspace/open-workspace.js';
import type { CommonOptions } from '../options.js';
import type { Output } from '../output.js';
import { workspaceOptions } from './plan.js';

export async function statusCommand(dir: string, out: Output, options: CommonOptions): Promise<ExitCode> {
  const quiet: Output = { ...out, emit: () => undefined };
  const ws = await openWorkspace({ dir, ...workspaceOptions(options), sink: quiet });
  try {
    const state = await ws.store.read();
    // Status only looks: no recovery, no journal writes, no lock.
    const looked = await survey({ drivers: ws.drivers, journal: ws.store.journal, state, desired: ws.desired, signal: new AbortController().signal, sink: quiet, stats: ws.stats, now: new Date(), recover: false, settle: false, graceMs: settleGraceFor(ws) });
    const { observation } = looked;
    const keys = [...new Set([...ws.desired.map((d) => d.key), ...observation.objects.map((o) => o.key), ...Object.keys(state.objects)])].sort();
    const rows = keys.map((key) => {
      const observed = observation.byKey.get(key);
      const record = state.objects[key];
      const desired = ws.desired.find((d) => d.key === key);
      return {
        key,
        backend: desired?.backend ?? observed?.backend ?? record?.backend ?? '',
        inManifests: Boolean(desired),
        live: looked.blocked.has(key) ? 'blocked' : observed ? observed.status.phase : observation.unavailable.has(desired?.backend ?? record?.backend ?? '') ? 'unknown' : 'absent',
        message: looked.blocked.get(key)?.message ?? looked.inMotion.get(key) ?? observed?.status.message,
        ids: observed?.ids ?? record?.ids ?? {},
        updatedAt: record?.updatedAt,
      };
    });
    if (out.json) {
      out.record({ owner: state.owner, lineage: state.lineage, serial: state.serial, lastApplied: state.lastApplied ?? null, objects: rows });
    } else {
      out.line(`state ${ws.store.description} (serial ${state.serial}, owner ${state.owner})`);
      const last = state.lastApplied;
      out.line(last ? `last converged ${last.at}${last.revision ? ` at revision ${last.revision}` : ''}` : 'never converged yet');
      for (const r of rows) {
        const ids = Object.entries(r.ids).map(([k, v]) => `${k}=${v}`).join(' ');
        out.line(`  ${r.live.padEnd(11)} ${r.key}${r.inManifests ? '' : ' (not in manifests)'}  ${ids}`);
        if (r.message) out.line(`              ${r.message.split('\n')[0]}`);
      }
      for (const [backend, error] of observation.unavailable) out.error(`backend ${backend}: ${error.message} [${error.code}]`);
    }
    return observation.unavailable.size > 0 ? EXIT.failure : EXIT.ok;
  } finally {
    await ws.close();
  }
}
