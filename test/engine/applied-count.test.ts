/**
 * AppliedCount (the NO_PROGRESS rule's counter) fingerprints a key's actions only once the key is
 * applied a second time; the counts must be those of fingerprinting every action.
 */
import { describe, expect, it } from 'vitest';
import { AppliedCount } from '../../src/engine/applied-count.js';
import type { PlannedAction } from '../../src/plan/types.js';
import { fingerprint } from '../../src/util/json.js';

type Signed = Pick<PlannedAction, 'key' | 'action' | 'changes' | 'ids'>;

const create = (key: string, memory = 32): Signed => ({ key, action: 'create', changes: [{ path: 'memory', after: memory }] });
const update = (key: string, memory: number, ids = { uuid: 'u' }): Signed => ({ key, action: 'update', ids, changes: [{ path: 'memory', before: 16, after: memory }] });

/** reference: the counts of fingerprinting every action (the rule before AppliedCount). */
function reference(actions: Signed[]): number[] {
  const counts = new Map<string, number>();
  return actions.map((a) => {
    const sig = fingerprint({ key: a.key, action: a.action, changes: a.changes, ids: a.ids ?? null });
    counts.set(sig, (counts.get(sig) ?? 0) + 1);
    return counts.get(sig)!;
  });
}

const rows: Array<{ reason: string; actions: Signed[] }> = [
  { reason: 'each key applied once counts 1 each', actions: [create('a'), create('b'), create('c')] },
  { reason: 'the same action three times reaches 3 (NO_PROGRESS)', actions: [update('a', 64), update('a', 64), update('a', 64)] },
  { reason: 'a different change of the same key starts its own count', actions: [update('a', 64), update('a', 128), update('a', 64), update('a', 128)] },
  { reason: 'other ids are another signature', actions: [update('a', 64), update('a', 64, { uuid: 'v' }), update('a', 64)] },
  { reason: 'keys interleaved keep their own counts', actions: [create('a'), create('b'), create('a'), create('b', 64), create('a')] },
  {
    reason: 'member order does not matter (canonical JSON)',
    actions: [update('a', 64), { key: 'a', ids: { uuid: 'u' }, changes: [{ after: 64, before: 16, path: 'memory' }], action: 'update' }],
  },
];

describe('AppliedCount', () => {
  it.each(rows)('$reason', ({ actions }) => {
    const counter = new AppliedCount();
    expect(actions.map((a) => counter.add(a))).toEqual(reference(actions));
  });
});
