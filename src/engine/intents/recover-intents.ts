/**
 * recoverIntents gives each driver that has a `recover` hook its backend's journal intents, and
 * records what it settled: notes in the journal (for unsettled intents), adopted ids and facts in
 * state. On a run's first pass a driver gets every intent since the last compaction; on later
 * passes only the unsettled ones (calls whose reply was lost or late in this run), so that what
 * such a call did is adopted however late it lands. Intents a driver leaves alone are settled by
 * observation (settle-intents.ts).
 */
import type { DesiredObject, Driver, RecoveredIntent } from '../../backends/driver.js';
import { isUnsettled, type Intent, type Journal, type StateSnapshot } from '../../state/types.js';
import type { EventSink } from '../events.js';
import { makeApplyContext } from '../apply-context.js';
import { isInFlight } from './in-flight.js';
import type { RunStats } from '../run-stats.js';

export async function recoverIntents(
  drivers: ReadonlyMap<string, Driver>,
  options: { journal: Journal; state: StateSnapshot; desired: readonly DesiredObject[]; signal: AbortSignal; sink: EventSink; stats: RunStats; now: Date; only: 'recent' | 'unsettled'; persist?: () => Promise<void> },
): Promise<void> {
  const recent = (options.only === 'recent' ? await options.journal.recent() : await options.journal.unsettled()).filter((i) => !isInFlight(i.id));
  const found: { backend: string; intents: Intent[]; settled: RecoveredIntent[] }[] = [];
  for (const driver of drivers.values()) {
    const mine = recent.filter((i) => i.backend === driver.name);
    if (!driver.recover || mine.length === 0) continue;
    const records = Object.values(options.state.objects).filter((r) => r.backend === driver.name);
    const mutateCtx = makeApplyContext({ key: `recover/${driver.name}`, backend: driver.name, action: 'recover', owner: options.state.owner, journal: options.journal, signal: options.signal, sink: options.sink, stats: options.stats });
    const desired = options.desired.filter((d) => d.backend === driver.name);
    const settled = await driver.recover(mine, { signal: options.signal, owner: options.state.owner, records, now: options.now, desired, mutate: mutateCtx.mutate });
    found.push({ backend: driver.name, intents: mine, settled });
  }
  // What recovery adopted is durable in state before the journal stops vouching for it: a
  // settled intent is no longer recovered, so a crash between the two must not lose what it did.
  const adopted = found.flatMap((f) => f.settled.filter((s) => s.key && (s.ids || s.extra)).map((s) => ({ backend: f.backend, s })));
  adopted.forEach(({ backend, s }) => recordAdopted(options.state, backend, s, options.now));
  if (adopted.length > 0) await options.persist?.();
  for (const { intents, settled } of found) {
    for (const s of settled) {
      const intent = intents.find((i) => i.id === s.intentId);
      if (intent && isUnsettled(intent)) await options.journal.settle(s.intentId, s.note, s.ids ? { ids: s.ids } : undefined);
      options.sink.emit({ type: 'intent-settled', key: s.key ?? intent?.key ?? '', method: intent?.method ?? '', note: s.note });
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
