/**
 * planSegments decides, purely, what an apply does to each testbed of an experiment: tear down
 * segments no longer wanted, ask for access where no allocation is live, and (re)start every
 * segment whose live spec differs from the desired one, and only those: a change on one testbed
 * restarts one segment; a system moved between testbeds restarts two. A restarting segment
 * waits for its peers' outputs; when the store does not hold a peer's output (never recorded, or
 * the peer's allocation is new), that peer is restarted with it so the value is published again.
 */
import { canonicalJson } from '../../../util/json.js';
import { inputParameters } from '../topology/connections.js';
import type { ExperimentSpec } from '../topology/experiment-spec.js';

/** SegmentPlan lists testbeds per step, sorted. */
export interface SegmentPlan {
  remove: string[];
  access: string[];
  start: string[];
}

/** planSegments: see the file comment. Pure; `isSet` says whether the store holds a key. */
export function planSegments(want: ExperimentSpec, have: ExperimentSpec, live: ReadonlySet<string>, prefix: string, isSet: (key: string) => boolean): SegmentPlan {
  const wanted = Object.keys(want.segments);
  const remove = Object.keys(have.segments).filter((t) => !want.segments[t]);
  const access = wanted.filter((t) => !live.has(t));
  const start = new Set(wanted.filter((t) => !have.segments[t] || canonicalJson(want.segments[t]) !== canonicalJson(have.segments[t])));
  for (let grew = true; grew; ) {
    grew = false;
    for (const testbed of [...start]) {
      for (const input of inputParameters(want, testbed, prefix)) {
        if (start.has(input.producer) || isSet(input.key)) continue;
        start.add(input.producer);
        grew = true;
      }
    }
  }
  return { remove: remove.sort(), access: access.sort(), start: [...start].sort() };
}
