/**
 * separateForeign takes out of an observation the objects another owner's state manages (a
 * converge marker with the same key and another owner: a second checkout with its own state, CI
 * without shared state). They are never acted on; a desired key that only another owner has is
 * held back with a message naming that owner, instead of a silent second copy.
 */
import type { ObservedObject } from '../../backends/driver.js';

export interface ForeignResult {
  objects: ObservedObject[];
  /** foreign maps a key to the owners whose objects carry it. */
  foreign: Map<string, string[]>;
}

export function separateForeign(objects: readonly ObservedObject[]): ForeignResult {
  const foreign = new Map<string, string[]>();
  const own: ObservedObject[] = [];
  for (const o of objects) {
    if (o.foreignOwner === undefined) own.push(o);
    else foreign.set(o.key, [...new Set([...(foreign.get(o.key) ?? []), o.foreignOwner])]);
  }
  return { objects: own, foreign };
}

/** foreignMessage is what plan, reconcile and status say about such a key. */
export function foreignMessage(owners: readonly string[]): string {
  const named = owners.map((o) => JSON.stringify(o)).join(', ');
  return `another state manages it (owner ${named}): converge will not make a second copy. Share that state (e.g. --state postgres://…), or pin --owner to that owner to manage it from here`;
}
