/**
 * DestroyBudget enforces `--max-destroy` over one converge run. Two scopes:
 * - `run` (reconcile, as Terraform users expect): a plan that would bring the run's destroyed
 *   objects (deletes and replacements) above the limit is refused as a whole: MAX_DESTROY is
 *   thrown and nothing is applied (exit 6).
 * - `resource` (watch, as Flux users expect of independent Kustomizations): the limit applies to
 *   each resource on its own; a resource whose plan would go above it is held back as a whole
 *   (none of its actions run; `refuse` returns them with the refusal) and the others go on.
 * `forget` lets go without a call and is never counted.
 */
import { ConvergeError } from '../errors/converge-error.js';
import type { Plan, PlannedAction } from '../plan/types.js';
import { resourceKeyOf } from './scope.js';

export type DestroyLimitScope = 'run' | 'resource';

export class DestroyBudget {
  readonly #destroyed = new Map<string, number>();

  constructor(
    private readonly maxDestroy: number | undefined,
    private readonly scope: DestroyLimitScope = 'run',
  ) {}

  /**
   * check counts the plan's destroying actions (skipping keys in `settled`, which will not run).
   * Scope `run`: throws MAX_DESTROY above the limit. Scope `resource`: returns the refusal of
   * every actionable key of each resource above the limit; those are not counted.
   */
  check(plan: Plan, settled: ReadonlySet<string> | ReadonlyMap<string, unknown>): Map<string, ConvergeError> {
    const refused = new Map<string, ConvergeError>();
    if (this.maxDestroy === undefined) return refused;
    const open = plan.actions.filter((a) => a.action !== 'noop' && !settled.has(a.key));
    const groups = this.scope === 'run' ? new Map([['', open]]) : groupByResource(open);
    for (const [group, actions] of groups) {
      const destroying = actions.filter(destroys);
      const already = this.#destroyed.get(group) ?? 0;
      if (already + destroying.length <= this.maxDestroy) {
        this.#destroyed.set(group, already + destroying.length);
        continue;
      }
      const error = this.#refusal(group, destroying);
      if (this.scope === 'run') throw error;
      for (const a of actions) refused.set(a.key, error);
    }
    return refused;
  }

  #refusal(group: string, destroying: readonly PlannedAction[]): ConvergeError {
    const what = group ? `${group} would destroy` : 'the plan destroys';
    return new ConvergeError(
      'CONFLICT',
      'MAX_DESTROY',
      `${what} ${destroying.length} object(s) (${destroying.map((a) => a.key).join(', ')}), more than --max-destroy ${this.maxDestroy} allows`,
      { resource: group || null, destroying: destroying.length },
    );
  }
}

function destroys(action: PlannedAction): boolean {
  return action.action === 'delete' || action.action === 'replace';
}

function groupByResource(actions: readonly PlannedAction[]): Map<string, PlannedAction[]> {
  const groups = new Map<string, PlannedAction[]>();
  for (const a of actions) {
    const resource = resourceKeyOf(a.key);
    groups.set(resource, [...(groups.get(resource) ?? []), a]);
  }
  return groups;
}
