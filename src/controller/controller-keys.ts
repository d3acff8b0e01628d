/**
 * Which resource keys the controller knows of, for full re-queues (resync, an event stream's
 * "read everything") and the first pass: those desired, those recorded in state (whose
 * manifest may have gone), and those observed live.
 */
import type { ObservedObject } from '../backends/driver.js';
import { resourceKeyOf } from '../engine/scope.js';
import type { StateSnapshot } from '../state/types.js';
import type { Generation } from './generation.js';

export function knownKeys(
  generation: Generation | undefined,
  state: StateSnapshot,
  observed: ReadonlyMap<string, { objects: readonly ObservedObject[] }>,
  backend?: string,
): string[] {
  const keys = new Set<string>();
  for (const [key, b] of generation?.resources ?? []) if (backend === undefined || b === backend) keys.add(key);
  for (const record of Object.values(state.objects)) if (backend === undefined || record.backend === backend) keys.add(resourceKeyOf(record.key));
  for (const [b, { objects }] of observed) if (backend === undefined || b === backend) for (const o of objects) keys.add(resourceKeyOf(o.key));
  return [...keys].sort();
}
