/**
 * settleOpenIntents closes the journal entries a crashed run left open (DESIGN §5). Observation
 * already found every object through its ownership marker, so settling is bookkeeping: the intent
 * is marked with what was seen (present, with ids, or absent), and the plan that follows creates,
 * adopts or leaves alone accordingly. This is what makes a `kill -9` at any moment safe.
 */
import type { Journal } from '../state/types.js';
import type { EventSink } from './events.js';
import type { Observation } from './observe-all.js';

export async function settleOpenIntents(journal: Journal, observation: Observation, sink: EventSink): Promise<void> {
  for (const intent of await journal.unsettled()) {
    if (observation.unavailable.has(intent.backend)) continue;
    const found = observation.byKey.get(intent.key);
    const note = found
      ? `interrupted ${intent.method}: ${intent.key} observed present (${Object.entries(found.ids).map(([k, v]) => `${k}=${v}`).join(', ')})`
      : `interrupted ${intent.method}: ${intent.key} observed absent`;
    await journal.settle(intent.id, note, found ? { ids: found.ids } : undefined);
    sink.emit({ type: 'intent-settled', key: intent.key, method: intent.method, note });
  }
}
