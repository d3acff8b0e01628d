/**
 * survey is the looking half of a pass, shared by `plan`, `reconcile` and watch passes:
 * (driver recovery,) observe every backend with absence proven by lookups, account for calls of
 * unknown outcome (keys still in motion), and separate surplus copies of one key. What it returns
 * is what the pure planner needs besides the manifests and state.
 *
 * `settle: false` (plan, status) decides the same verdicts but writes nothing to the journal.
 */
import type { DesiredObject, Driver } from '../backends/driver.js';
import type { BlockedKey, SurplusCopy } from '../plan/plan-input.js';
import type { Journal, StateSnapshot } from '../state/types.js';
import type { EventSink } from './events.js';
import { recoverIntents } from './intents/recover-intents.js';
import { settleIntents } from './intents/settle-intents.js';
import { byKeyOf, observeAll, type Observation } from './observe/observe-all.js';
import type { ObservationSource } from './observe/observation-source.js';
import { separateSurplus } from './observe/surplus.js';
import { foreignMessage, separateForeign } from './observe/foreign.js';
import type { RunStats } from './run-stats.js';

export interface SurveyOptions {
  drivers: ReadonlyMap<string, Driver>;
  journal: Journal;
  state: StateSnapshot;
  desired: readonly DesiredObject[];
  signal: AbortSignal;
  sink: EventSink;
  stats: RunStats;
  now: Date;
  /** recover: hand drivers every recent intent, only the unsettled ones, or none (plan). */
  recover: 'recent' | 'unsettled' | false;
  /** settle writes settlements to the journal; plan and status only look. */
  settle: boolean;
  source?: ObservationSource;
  /** persist writes `state` durably; recovery calls it before settling what it adopted. */
  persist?: () => Promise<void>;
  /** graceMs is how long a create's absent object may still appear, per backend. */
  graceMs: (backend: string) => number;
  /** access asks drivers for access facts that cost extra reads (ObserveContext.access). */
  access?: boolean;
}

export interface Survey {
  /** observation holds at most one object per key (surplus copies are separated). */
  observation: Observation;
  inMotion: Map<string, string>;
  /** blocked are keys that get no action and fail: contested copies, another owner's objects. */
  blocked: Map<string, BlockedKey>;
  surplus: SurplusCopy[];
}

export async function survey(options: SurveyOptions): Promise<Survey> {
  if (options.recover) {
    await recoverIntents(options.drivers, { ...options, only: options.recover });
  }
  const observeOptions = { owner: options.state.owner, signal: options.signal, sink: options.sink, state: options.state, now: options.now, desired: options.desired, ...(options.access ? { access: true } : {}) };
  const raw = options.source ? await options.source.observe(options.drivers, observeOptions) : await observeAll(options.drivers, observeOptions);
  const journal = options.settle ? options.journal : lookOnly(options.journal);
  const inMotion = await settleIntents(raw, { journal, drivers: options.drivers, sink: options.settle ? options.sink : { emit: () => undefined }, now: options.now, graceMs: options.graceMs });
  const { objects: own, foreign } = separateForeign(raw.objects);
  const separated = separateSurplus(own, options.state.objects, await options.journal.recent());
  const blocked = new Map(separated.contested);
  const ownKeys = new Set(separated.objects.map((o) => o.key));
  for (const [key, owners] of foreign) {
    if (!ownKeys.has(key)) blocked.set(key, { code: 'OTHER_OWNER', message: foreignMessage(owners) });
  }
  // Surplus copies stay out of `objects` (the planner sees them as surplus, not leftovers) but are
  // in `byKey`, so that the action deleting one finds what it deletes.
  const byKey = byKeyOf(separated.objects);
  for (const copy of separated.surplus) byKey.set(copy.object.key, copy.object);
  const observation: Observation = { ...raw, objects: separated.objects, byKey };
  return { observation, inMotion, blocked, surplus: separated.surplus };
}

/** lookOnly is a journal whose settle does nothing, so a plan decides verdicts without writing. */
function lookOnly(journal: Journal): Journal {
  return { ...bind(journal), settle: async () => undefined };
}

function bind(journal: Journal): Journal {
  return {
    begin: (intent) => journal.begin(intent),
    resolve: (id, result) => journal.resolve(id, result),
    unsettled: () => journal.unsettled(),
    recent: () => journal.recent(),
    settle: (id, note, outcome) => journal.settle(id, note, outcome),
    compact: () => journal.compact(),
  };
}
