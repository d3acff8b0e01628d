/**
 * settleIntents accounts for the calls whose outcome nobody knows (DESIGN §5): intents a crashed
 * run left open, and calls whose reply was lost, late or timed out. They are looked at again on
 * every pass until observation shows what they did; meanwhile their key is *in motion*: the plan
 * sends it no other mutating call and the run waits, showing why. A timed-out create is thus
 * found by its marker once the server has made it, never repeated blindly.
 *
 * A driver may decide (settleIntent: e.g. IM waits until a create's VMs are all listed); else the
 * rule below reads the intent's action:
 * - create: present → settled (its ids recorded); absent → waiting until the backend's settle
 *   grace has passed since the call began (the server may not have registered it yet), then
 *   settled absent, and the plan may create again;
 * - delete: absent → settled; present → waiting for the grace, then settled (it did not happen);
 * - update, recover, or no action recorded (older journals): settled at once by this look, since
 *   the next plan diffs whatever the call did.
 */
import type { Driver, IntentSettlement, ObservedObject } from '../../backends/driver.js';
import type { Intent, Journal } from '../../state/types.js';
import type { EventSink } from '../events.js';
import type { Observation } from '../observe/observe-all.js';
import { isInFlight } from './in-flight.js';

export interface SettleOptions {
  journal: Journal;
  drivers: ReadonlyMap<string, Driver>;
  sink: EventSink;
  now: Date;
  /** graceMs is how long an absent object may still appear after its create began, per backend. */
  graceMs: (backend: string) => number;
}

/** settleIntents returns the keys still in motion, with what they are waiting for. */
export async function settleIntents(observation: Observation, options: SettleOptions): Promise<Map<string, string>> {
  const inMotion = new Map<string, string>();
  const byKey = new Map<string, ObservedObject[]>();
  for (const o of observation.objects) byKey.set(o.key, [...(byKey.get(o.key) ?? []), o]);
  for (const intent of await options.journal.unsettled()) {
    if (isInFlight(intent.id)) {
      inMotion.set(intent.key, `${intent.method} is in flight`);
      continue;
    }
    if (observation.unavailable.has(intent.backend)) {
      inMotion.set(intent.key, `${intent.method} has an unknown outcome and backend ${intent.backend} cannot be observed`);
      continue;
    }
    const observed = byKey.get(intent.key) ?? [];
    const driver = options.drivers.get(intent.backend);
    const verdict = driver?.settleIntent?.(intent, observed, { now: options.now }) ?? defaultSettlement(intent, observed, options.now, options.graceMs(intent.backend));
    if (verdict.verdict === 'waiting') {
      inMotion.set(intent.key, verdict.message);
      continue;
    }
    const ids = verdict.ids ?? (observed.length === 1 ? observed[0]!.ids : undefined);
    await options.journal.settle(intent.id, verdict.note, ids ? { ids } : undefined);
    options.sink.emit({ type: 'intent-settled', key: intent.key, method: intent.method, note: verdict.note });
  }
  return inMotion;
}

/** defaultSettlement is the engine's rule (see the module comment). */
export function defaultSettlement(intent: Intent, observed: readonly ObservedObject[], now: Date, graceMs: number): IntentSettlement {
  const what = `${intent.status === 'open' ? 'interrupted' : 'unanswered'} ${intent.method}`;
  const present = observed.length > 0;
  const ids = present ? ` (${Object.entries(observed[0]!.ids).map(([k, v]) => `${k}=${v}`).join(', ')})` : '';
  const waited = now.getTime() - Date.parse(intent.startedAt);
  const withinGrace = waited < graceMs;
  const seconds = Math.ceil((graceMs - waited) / 1000);
  switch (intent.action) {
    case 'create':
      if (present) return { verdict: 'settled', note: `${what}: ${intent.key} observed present${ids}` };
      if (withinGrace) return { verdict: 'waiting', message: `${what} may still take effect; looking again for up to ${seconds}s before creating anything` };
      return { verdict: 'settled', note: `${what}: ${intent.key} observed absent after ${Math.round(waited / 1000)}s` };
    case 'delete':
      if (!present) return { verdict: 'settled', note: `${what}: ${intent.key} observed absent` };
      if (withinGrace) return { verdict: 'waiting', message: `${what} may still take effect; looking again for up to ${seconds}s` };
      return { verdict: 'settled', note: `${what}: ${intent.key} still present${ids}; the delete did not happen` };
    default:
      return { verdict: 'settled', note: `${what}: ${intent.key} observed ${present ? `present${ids}` : 'absent'}` };
  }
}
