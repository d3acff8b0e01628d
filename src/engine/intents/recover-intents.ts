/**
 * recoverIntents gives each driver that has a `recover` hook its backend's journal intents since
 * the last compaction, before the run's first observation, and records what it settled: notes in
 * the journal (for open intents), adopted ids and facts in state. Open intents a driver leaves
 * alone are settled later by observation (settle-intents.ts).
 */
import type { DesiredObject, Driver } from '../backends/driver.js';
import type { Journal, StateSnapshot } from '../state/types.js';
import type { EventSink } from './events.js';
import { makeApplyContext } from './apply-context.js';
import type { RunStats } from './run-stats.js';

export async function recoverIntents(
  drivers: ReadonlyMap<string, Driver>,
  options: { journal: Journal; state: StateSnapshot; desired: readonly DesiredObject[]; signal: AbortSignal; sink: EventSink; stats: RunStats; now: Date },
): Promise<void> {
  const recent = await options.journal.recent();
  for (const driver of drivers.values()) {
    const mine = recent.filter((i) => i.backend === driver.name);
    if (!driver.recover || mine.length === 0) continue;
    const records = Object.values(options.state.objects).filter((r) => r.backend === driver.name);
    const mutateCtx = makeApplyContext({ key: `recover/${driver.name}`, backend: driver.name, owner: options.state.owner, journal: options.journal, signal: options.signal, sink: options.sink, stats: options.stats });
    const desired = options.desired.filter((d) => d.backend === driver.name);
    const settled = await driver.recover(mine, { signal: options.signal, owner: options.state.owner, records, now: options.now, desired, mutate: mutateCtx.mutate });
    for (const s of settled) {
      const intent = mine.find((i) => i.id === s.intentId);
      if (intent?.status === 'open') await options.journal.settle(s.intentId, s.note, s.ids ? { ids: s.ids } : undefined);
      options.sink.emit({ type: 'intent-settled', key: s.key ?? intent?.key ?? '', method: intent?.method ?? '', note: s.note });
      if (s.key && (s.ids || s.extra)) recordAdopted(options.state, driver.name, s, options.now);
    }
  }
}

function recordAdopted(state: StateSnapshot, backend: string, s: { key?: string; ids?: Record<string, string>; extra?: Record<string, unknown> }, now: Date): void {
  const key = s.key!;
  const existing = state.objects[key];
  state.objects[key] = {
    key,
    kind: existing?.kind ?? key.split('/')[0] ?? '',
    backend,
    ids: { ...(existing?.ids ?? {}), ...(s.ids ?? {}) },
    deletionPolicy: existing?.deletionPolicy ?? 'Delete',
    createdAt: existing?.createdAt ?? now.toISOString(),
    updatedAt: now.toISOString(),
    ...(existing?.fingerprint ? { fingerprint: existing.fingerprint } : {}),
    extra: { ...(existing?.extra ?? {}), ...(s.extra ?? {}) },
  };
}
