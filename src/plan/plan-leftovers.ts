/**
 * planLeftovers plans the live objects that no desired object accounts for:
 * - a part of a still-desired resource (a VM beyond a lowered deploy count) → delete;
 * - an object whose resource left the manifests → delete with prune, or `forget` when its
 *   deletionPolicy is Orphan (let go, never deleted), or a note without prune;
 * - an external object (used by a resource, not created by converge) → `forget`, never delete;
 * - a surplus copy of a kept object (certainly converge's own: same owner marker and key, and
 *   state or the journal proves which copy is kept) → delete with prune; without prune the
 *   object it copies fails until it is resolved, and the plan says how;
 * - an object in motion → left alone this pass, with a note.
 * Deletes wait for the deletes of the objects that depend on them (a VM before its network).
 */
import type { ObservedObject } from '../backends/driver.js';
import type { PlanInput, SurplusCopy } from './plan-input.js';
import type { LeftAloneObject, PendingObject, PlannedAction } from './types.js';

export interface LeftoversResult {
  actions: PlannedAction[];
  pending: PendingObject[];
  notes: string[];
  leftAlone: LeftAloneObject[];
}

export function planLeftovers(input: PlanInput, desiredKeys: ReadonlySet<string>): LeftoversResult {
  const result: LeftoversResult = { actions: [], pending: [], notes: [], leftAlone: [] };
  const desiredResources = new Set(input.desired.map((d) => d.resource));
  for (const observed of input.observed) {
    if (desiredKeys.has(observed.key) || input.state.objects[observed.key]?.orphaned) continue;
    const waiting = input.inMotion?.get(observed.key) ?? (observed.status.changing ? observed.status.message ?? 'still changing' : undefined);
    if (waiting) {
      // Still live and in motion: the run waits for it (never "converged" while it is there).
      result.pending.push({ key: observed.key, phase: 'progressing', message: `no longer desired; left alone while it is in motion: ${waiting}` });
      continue;
    }
    const action = planLeftover(observed, desiredResources.has(resourceOf(observed.key)), input);
    if (action) result.actions.push(action);
    else result.leftAlone.push({ key: observed.key, backend: observed.backend, ids: observed.ids });
  }
  for (const copy of input.surplus ?? []) planSurplus(copy, input, desiredKeys, result);
  orderDeletes(result.actions, input.observed);
  return result;
}

function planLeftover(observed: ObservedObject, resourceDesired: boolean, input: PlanInput): PlannedAction | undefined {
  const resource = resourceOf(observed.key);
  if (observed.external) {
    if (!resourceDesired && !input.prune(observed.backend)) return undefined;
    return { ...leftover(observed, 'forget', 'used by converge but not created by it: will no longer be managed (never deleted)'), external: true };
  }
  if (resourceDesired) return leftover(observed, 'delete', `no longer desired by ${resource}`);
  if (!input.prune(observed.backend)) return undefined;
  if ((input.state.objects[observed.key]?.deletionPolicy ?? 'Delete') === 'Orphan') {
    return leftover(observed, 'forget', 'no longer in the manifests; deletionPolicy Orphan: will no longer be managed, left running');
  }
  return leftover(observed, 'delete', 'no longer in the manifests (prune)');
}

function planSurplus(copy: SurplusCopy, input: PlanInput, desiredKeys: ReadonlySet<string>, result: LeftoversResult): void {
  if (!copy.kept) return; // contested: the key itself fails (plan-changes.ts heldBack)
  if (input.prune(copy.object.backend)) {
    result.actions.push(leftover(copy.object, 'delete', `surplus copy of ${copy.of}: converge keeps ${copy.kept}`));
    return;
  }
  const message = `a surplus live copy (${describeIds(copy.object.ids)}) carries this key; converge keeps ${copy.kept}. --prune removes the copy`;
  result.notes.push(`${copy.of}: ${message}`);
  if (desiredKeys.has(copy.of)) result.pending.push({ key: copy.of, phase: 'failed', message, code: 'SURPLUS_COPY' });
}

function leftover(observed: ObservedObject, action: 'delete' | 'forget', reason: string): PlannedAction {
  return {
    key: observed.key,
    resource: resourceOf(observed.key),
    kind: observed.kind,
    backend: observed.backend,
    action,
    changes: [],
    reason,
    dependsOn: [],
    ids: observed.ids,
    deletionPolicy: action === 'forget' ? 'Orphan' : 'Delete',
  };
}

/** orderDeletes makes each delete wait for the deletes of objects that depend on it. */
function orderDeletes(actions: PlannedAction[], observed: readonly ObservedObject[]): void {
  const deleting = new Set(actions.filter((a) => a.action === 'delete').map((a) => a.key));
  for (const action of actions) {
    if (action.action !== 'delete') continue;
    action.dependsOn = observed.filter((o) => o.key !== action.key && deleting.has(o.key) && o.dependsOn?.includes(action.key)).map((o) => o.key);
  }
}

function resourceOf(key: string): string {
  return key.split('/').slice(0, 2).join('/');
}

function describeIds(ids: Record<string, string>): string {
  return Object.entries(ids).map(([k, v]) => `${k}=${v}`).join(', ');
}
