/**
 * Suspension (Flux's `suspend: true`, as a manifest annotation): a resource annotated
 * `converge.io/suspend: "true"` is left exactly as it is. Plan, reconcile and watch neither plan
 * nor apply anything of it, never prune or forget its live objects, and report it as suspended
 * (a plan note, a SUSPENDED warning event) rather than as removed. Removing the annotation (or
 * setting it to anything but "true") resumes it.
 *
 * The engine realises this as a scope: with anything suspended, a run is scoped to every resource
 * it knows of (desired or recorded in state) except the suspended ones. With nothing suspended the
 * scope is left as it was, so unsuspended runs behave exactly as before.
 */
import type { ManifestSet } from '../manifest/types.js';
import type { StateSnapshot } from '../state/types.js';
import { resourceKeyOf } from './scope.js';

export const SUSPEND_ANNOTATION = 'converge.io/suspend';

/** suspendedResources lists the resource keys (`Kind/name`) whose manifest suspends them, sorted. */
export function suspendedResources(manifests: ManifestSet): string[] {
  return manifests.resources
    .filter((r) => r.kind !== 'Backend' && r.metadata.annotations?.[SUSPEND_ANNOTATION] === 'true')
    .map((r) => `${r.kind}/${r.metadata.name}`)
    .sort();
}

/**
 * scopeWithoutSuspended narrows `scope` (undefined: everything) to leave the suspended resources
 * out; it returns `scope` itself when nothing in it is suspended.
 */
export function scopeWithoutSuspended(manifests: ManifestSet, state: StateSnapshot, scope: ReadonlySet<string> | undefined): ReadonlySet<string> | undefined {
  const suspended = new Set(suspendedResources(manifests));
  if (suspended.size === 0) return scope;
  const known = scope ?? knownResources(manifests, state);
  if (![...known].some((key) => suspended.has(key))) return scope;
  return new Set([...known].filter((key) => !suspended.has(key)));
}

/** SUSPENDED_MESSAGE says what suspension means, for warnings and status messages. */
export const SUSPENDED_MESSAGE = `suspended (${SUSPEND_ANNOTATION}: "true"): not planned, not applied, its objects not pruned`;

/** suspendedNote is the plan note of a suspended resource. */
export function suspendedNote(key: string): string {
  return `${key} is ${SUSPENDED_MESSAGE}`;
}

function knownResources(manifests: ManifestSet, state: StateSnapshot): Set<string> {
  const keys = new Set<string>();
  for (const r of manifests.resources) if (r.kind !== 'Backend') keys.add(`${r.kind}/${r.metadata.name}`);
  for (const key of Object.keys(state.objects)) keys.add(resourceKeyOf(key));
  return keys;
}
