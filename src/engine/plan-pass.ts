/**
 * planFromSurvey runs the pure planner on what a survey found, for `plan`, `reconcile` and watch
 * passes alike: desired objects of backends that could be observed (and in scope), the keys in
 * motion, blocked (contested copies, another owner's objects) or with surplus copies, and the
 * backend's plan hooks.
 */
import { planChanges } from '../plan/plan-changes.js';
import { planDestroy } from '../plan/plan-destroy.js';
import type { Plan } from '../plan/types.js';
import type { StateSnapshot } from '../state/types.js';
import { inScope } from './scope.js';
import { scopeWithoutSuspended, suspendedNote, suspendedResources } from './suspend.js';
import type { Survey } from './survey.js';
import type { Workspace } from './workspace.js';

/** DEFAULT_SETTLE_GRACE_MS: how long an absent object of an unanswered create may still appear. */
export const DEFAULT_SETTLE_GRACE_MS = 15_000;

export interface PlanPassOptions {
  prune: (backend: string) => boolean;
  scope?: ReadonlySet<string> | undefined;
  generator: string;
  now: Date;
  /** replace names live object keys to replace even without a change (`--replace`). */
  replace?: ReadonlySet<string> | undefined;
  /**
   * destroy plans the deletion of everything the manifests' resources (in scope) own instead of
   * converging them (`converge destroy`); deletionPolicy Orphan objects are let go.
   */
  destroy?: boolean | undefined;
}

export function planFromSurvey(ws: Workspace, looked: Survey, state: StateSnapshot, planOptions: PlanPassOptions): Plan {
  // Suspended resources are left out of the plan entirely (engine/suspend.ts), and noted.
  const options = { ...planOptions, scope: scopeWithoutSuspended(ws.manifests, state, planOptions.scope) };
  const plan = planScoped(ws, looked, state, options);
  plan.notes.push(...suspendedResources(ws.manifests).map(suspendedNote));
  return plan;
}

function planScoped(ws: Workspace, looked: Survey, state: StateSnapshot, options: PlanPassOptions): Plan {
  const { observation } = looked;
  if (options.destroy) return destroyFromSurvey(ws, looked, state, options);
  const visible = ws.desired.filter((d) => !observation.unavailable.has(d.backend) && inScope(options.scope, d.key));
  const inView = <T extends { key: string }>(items: Iterable<T>): T[] => [...items].filter((i) => inScope(options.scope, i.key));
  return planChanges({
    desired: visible,
    observed: options.scope ? inView(observation.objects) : observation.objects,
    state,
    hooks: Object.fromEntries([...ws.drivers].map(([name, d]) => [name, d.hooks])),
    prune: options.prune,
    manifestsDigest: ws.manifests.digest,
    now: options.now,
    generator: options.generator,
    inMotion: looked.inMotion,
    blocked: looked.blocked,
    surplus: options.scope ? looked.surplus.filter((s) => inScope(options.scope, s.of)) : looked.surplus,
    gone: observation.gone,
    ...(options.replace ? { replace: options.replace } : {}),
  });
}

function destroyFromSurvey(ws: Workspace, looked: Survey, state: StateSnapshot, options: PlanPassOptions): Plan {
  const { observation } = looked;
  const resources = new Map(
    ws.manifests.resources
      .filter((r) => r.kind !== 'Backend' && !observation.unavailable.has(r.spec.backend) && inScope(options.scope, `${r.kind}/${r.metadata.name}`))
      .map((r) => [`${r.kind}/${r.metadata.name}`, r.kind === 'Backend' ? 'Delete' : r.spec.deletionPolicy] as const),
  );
  return planDestroy({
    observed: observation.objects,
    state,
    hooks: Object.fromEntries([...ws.drivers].map(([name, d]) => [name, d.hooks])),
    manifestsDigest: ws.manifests.digest,
    now: options.now,
    generator: options.generator,
    inMotion: looked.inMotion,
    blocked: looked.blocked,
    surplus: looked.surplus,
    gone: observation.gone,
    resources,
  });
}

/** settleGraceFor reads each backend's settle grace (timeouts.settle) from the workspace. */
export function settleGraceFor(ws: Workspace): (backend: string) => number {
  return (backend) => ws.backends.get(backend)?.spec.timeouts.settleMs ?? DEFAULT_SETTLE_GRACE_MS;
}
