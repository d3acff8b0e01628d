/**
 * planDestroy plans `converge destroy`: every live object the manifests' resources own (all keys
 * that state or observation attributes to those resources, surplus copies included) is deleted,
 * or let go (`forget`) when its resource says `deletionPolicy: Orphan`, and external objects a
 * resource only used are forgotten, never deleted. Objects of resources not in `resources` are
 * not touched and not mentioned. Pure: it is planChanges with nothing desired, pruning on, and
 * each object's deletion policy taken from its resource's manifest (not from state, which may
 * predate a policy change).
 */
import type { DeletionPolicy } from '../manifest/types.js';
import { planChanges, type PlanInput } from './plan-changes.js';
import type { Plan } from './types.js';

/** DestroyInput is a plan input whose desired objects are replaced by the resources to destroy. */
export interface DestroyInput extends Omit<PlanInput, 'desired' | 'prune' | 'replace'> {
  /** resources maps each resource key (`Kind/name`) to destroy to its manifest's deletionPolicy. */
  resources: ReadonlyMap<string, DeletionPolicy>;
}

export function planDestroy(input: DestroyInput): Plan {
  const owned = (key: string): boolean => input.resources.has(resourceKey(key));
  // An external object (used, never created) is let go once: observe keeps finding it by name
  // while the manifests use it, so once state no longer records it there is nothing to forget.
  const observed = input.observed.filter((o) => owned(o.key) && !(o.external && !input.state.objects[o.key]));
  const objects = { ...input.state.objects };
  for (const [key, record] of Object.entries(objects)) {
    const policy = input.resources.get(resourceKey(key));
    if (policy) objects[key] = { ...record, deletionPolicy: policy };
  }
  for (const o of observed) {
    const policy = input.resources.get(resourceKey(o.key));
    // An object observation attributes to the resource but state does not know yet (an extra VM).
    if (policy && !objects[o.key]) objects[o.key] = { key: o.key, kind: o.kind, backend: o.backend, ids: o.ids, deletionPolicy: policy, createdAt: '', updatedAt: '' };
  }
  const plan = planChanges({
    ...input,
    desired: [],
    observed,
    surplus: (input.surplus ?? []).filter((s) => owned(s.of)),
    state: { ...input.state, objects },
    prune: () => true,
  });
  // Reasons for people: say why the destroy does what it does (surplus copies keep theirs).
  const actions = plan.actions.map((a) => (a.key.includes('#') || a.external ? a : { ...a, reason: DESTROY_REASONS[a.action] ?? a.reason }));
  return { ...plan, actions };
}

const DESTROY_REASONS: Partial<Record<Plan['actions'][number]['action'], string>> = {
  delete: 'destroy',
  forget: 'destroy: deletionPolicy Orphan, released from state and left live',
};

/** resourceKey is the `Kind/name` an object key belongs to (surplus copies `#…` included). */
function resourceKey(objectKey: string): string {
  const resource = objectKey.split('/').slice(0, 2).join('/');
  const hash = resource.indexOf('#');
  return hash < 0 ? resource : resource.slice(0, hash);
}
