/**
 * DestroyBudget (`--max-destroy`), as a table: per run (reconcile) a plan above the limit is
 * refused whole; per resource (watch) only the resources above it are held back, all their
 * actions with them, and what ran is counted against later passes of the same run.
 */
import { describe, expect, it } from 'vitest';
import { DestroyBudget, type DestroyLimitScope } from '../../src/engine/destroy-budget.js';
import type { ActionType, Plan, PlannedAction } from '../../src/plan/types.js';

const action = (key: string, type: ActionType): PlannedAction => ({ key, resource: key.split('/').slice(0, 2).join('/'), kind: 'Infrastructure', backend: 'xen', action: type, changes: [], reason: '', dependsOn: [], deletionPolicy: 'Delete' });
const plan = (...actions: PlannedAction[]): Plan => ({ actions } as unknown as Plan);

describe('DestroyBudget', () => {
  it.each([
    { reason: 'within the limit, per run', scope: 'run', max: 2, actions: [action('Infrastructure/a/vm/x-0', 'delete'), action('Infrastructure/b/vm/y-0', 'replace')], refused: [], throws: false },
    { reason: 'above the limit, per run: the whole plan is refused', scope: 'run', max: 1, actions: [action('Infrastructure/a/vm/x-0', 'delete'), action('Infrastructure/b/vm/y-0', 'replace')], refused: [], throws: true },
    { reason: 'forget and update destroy nothing', scope: 'run', max: 0, actions: [action('Infrastructure/a/vm/x-0', 'forget'), action('Infrastructure/a/vm/x-1', 'update')], refused: [], throws: false },
    {
      reason: 'above the limit, per resource: only that resource, all its actions',
      scope: 'resource',
      max: 1,
      actions: [action('Infrastructure/a/vm/x-0', 'delete'), action('Infrastructure/a/vm/x-1', 'delete'), action('Infrastructure/a/vm/x-2', 'update'), action('Infrastructure/b/vm/y-0', 'delete'), action('Infrastructure/c/vm/z-0', 'noop')],
      refused: ['Infrastructure/a/vm/x-0', 'Infrastructure/a/vm/x-1', 'Infrastructure/a/vm/x-2'],
      throws: false,
    },
  ] as Array<{ reason: string; scope: DestroyLimitScope; max: number; actions: PlannedAction[]; refused: string[]; throws: boolean }>)('$reason', ({ scope, max, actions, refused, throws }) => {
    const budget = new DestroyBudget(max, scope);
    if (throws) return void expect(() => budget.check(plan(...actions), new Set())).toThrow(/the plan destroys 2 object\(s\).*more than --max-destroy 1 allows/);
    const result = budget.check(plan(...actions), new Set());
    expect([...result.keys()].sort()).toEqual(refused);
    for (const error of result.values()) expect([error.code, error.message]).toEqual(['MAX_DESTROY', expect.stringMatching(/^Infrastructure\/a would destroy 2 object\(s\)/)]);
  });

  it('counts what a resource destroyed in earlier passes of the run, and skips keys that will not run', () => {
    const budget = new DestroyBudget(1, 'resource');
    expect(budget.check(plan(action('Infrastructure/a/vm/x-0', 'delete')), new Set()).size).toBe(0);
    expect([...budget.check(plan(action('Infrastructure/a/vm/x-1', 'delete')), new Set()).keys()]).toEqual(['Infrastructure/a/vm/x-1']);
    expect(budget.check(plan(action('Infrastructure/a/vm/x-1', 'delete')), new Set(['Infrastructure/a/vm/x-1'])).size).toBe(0);
  });
});
