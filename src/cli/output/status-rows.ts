/**
 * StatusRow is one managed object as `status` and `output` show it: ids, live phase, the last
 * apply recorded in state and the access facts the backend reported. lookAtStatus does the one
 * read-only survey both commands need (no recovery, no journal writes, no lock).
 */
import type { AccessFacts } from '../../backends/driver.js';
import { settleGraceFor } from '../../engine/plan-pass.js';
import { survey, type Survey } from '../../engine/survey.js';
import type { StateSnapshot } from '../../state/types.js';
import { openWorkspace } from '../../workspace/open-workspace.js';
import type { CommonOptions } from '../options.js';
import type { Output } from '../output.js';
import { workspaceOptions } from '../commands/plan.js';

export interface StatusRow {
  key: string;
  backend: string;
  inManifests: boolean;
  live: string;
  message?: string;
  ids: Record<string, string>;
  updatedAt?: string;
  /** access is how to reach the object, as observed now (absent when the backend reports none). */
  access?: AccessFacts;
}

export interface StatusLook {
  state: StateSnapshot;
  storeDescription: string;
  looked: Survey;
  rows: StatusRow[];
}

/** lookAtStatus surveys every backend once, asking for access facts, and builds the rows. */
export async function lookAtStatus(dir: string, out: Output, options: CommonOptions): Promise<StatusLook> {
  const quiet: Output = { ...out, emit: () => undefined };
  const ws = await openWorkspace({ dir, ...workspaceOptions(options), sink: quiet });
  try {
    const state = await ws.store.read();
    const looked = await survey({
      drivers: ws.drivers, journal: ws.store.journal, state, desired: ws.desired, signal: new AbortController().signal, sink: quiet,
      stats: ws.stats, now: new Date(), recover: false, settle: false, graceMs: settleGraceFor(ws), access: true,
    });
    const { observation } = looked;
    const keys = [...new Set([...ws.desired.map((d) => d.key), ...observation.objects.map((o) => o.key), ...Object.keys(state.objects)])].sort();
    const rows = keys.map((key): StatusRow => {
      const observed = observation.byKey.get(key);
      const record = state.objects[key];
      const desired = ws.desired.find((d) => d.key === key);
      const backend = desired?.backend ?? observed?.backend ?? record?.backend ?? '';
      const message = looked.blocked.get(key)?.message ?? looked.inMotion.get(key) ?? observed?.status.message;
      return {
        key,
        backend,
        inManifests: Boolean(desired),
        live: looked.blocked.has(key) ? 'blocked' : observed ? observed.status.phase : observation.unavailable.has(backend) ? 'unknown' : 'absent',
        ...(message !== undefined ? { message } : {}),
        ids: observed?.ids ?? record?.ids ?? {},
        ...(record?.updatedAt !== undefined ? { updatedAt: record.updatedAt } : {}),
        ...(observed?.access ? { access: observed.access } : {}),
      };
    });
    return { state, storeDescription: ws.store.description, looked, rows };
  } finally {
    await ws.close();
  }
}
