/**
 * settleNodeCall decides when observation accounts for a Node Manager call (Ticket, Start, Stop,
 * Destroy) whose outcome is unknown: the ssh session timed out or was cut, but the forwarder on
 * the node may still be running the call (it gives up only after 120 s, planetlab.md §B7). The
 * sliver gets no other call until the backend's settle grace has passed since the call began;
 * then whatever the node shows is planned from (all four calls are safe to repeat). PLC calls
 * follow the engine's rule: an AddSlice whose reply was lost is found by its name and marker.
 */
import type { Intent } from '../../state/types.js';
import type { IntentSettlement, ObservedObject } from '../driver.js';
import type { SliverObjectSpec } from './spec/slice-spec.js';

const NODE_CALLS = new Set(['Ticket', 'Start', 'Stop', 'Destroy']);

export function settleNodeCall(intent: Intent, observed: readonly ObservedObject[], now: Date, graceMs: number): IntentSettlement | undefined {
  if (!NODE_CALLS.has(intent.method)) return undefined;
  const waited = now.getTime() - Date.parse(intent.startedAt);
  const state = (observed[0]?.spec as unknown as SliverObjectSpec | undefined)?.state ?? 'unknown';
  if (waited < graceMs) {
    const seconds = Math.ceil((graceMs - waited) / 1000);
    return { verdict: 'waiting', message: `${intent.method} ${intent.target} has an unknown outcome (the ssh session was cut; the node may still run it); looking again for up to ${seconds}s` };
  }
  return { verdict: 'settled', note: `${intent.method} ${intent.target}: the node now shows the sliver ${state}` };
}
