/**
 * planChanges is the pure heart of converge: desired objects + observed objects + state in,
 * a Plan out. No I/O, no clock except the `now` it is given, so it is tested as tables.
 *
 * Rules, per object key:
 * - desired, not observed                 → create
 * - desired and observed, no change        → noop (listed in `pending` when not ready)
 * - changes that can all be made in place  → update
 * - any change to an immutable path         → replace (delete + create)
 * - observed, not desired, but part of a resource that is still desired (a VM beyond a lowered
 *   deploy count)                            → delete
 * - observed, not desired, resource gone     → delete when prune is on for its backend
 *   (deletionPolicy Orphan: the object is let go, not deleted); otherwise a note
 * Deletes wait for the deletes of the objects that depend on them (a VM before its network).
 */
import type { DesiredObject, ObservedObject, PlanHooks } from '../backends/driver.js';
import type { StateSnapshot } from '../state/types.js';
import { fingerprint } from '../util/json.js';
import { diffSpecs, flatten, matchesAny } from './diff.js';
import { PLAN_FORMAT_VERSION, type ActionType, type PendingObject, type Plan, type PlannedAction } from './types.js';

export interface PlanInput {
  desired: DesiredObject[];
  observed: ObservedObject[];
  state: Pick<StateSnapshot, 'lineage' | 'serial' | 'objects'>;
  hooks: Record<string, PlanHooks>;
  prune: (backend: string) => boolean;
  manifestsDigest: string;
  now: Date;
  generator: string;
}

const NO_HOOKS: PlanHooks = { immutable: [], ignored: [] };

export function planChanges(input: PlanInput): Plan {
  const observedByKey = new Map(input.observed.map((o) => [o.key, o]));
  const desiredKeys = new Set(input.desired.map((d) => d.key));
  const actions: PlannedAction[] = [];
  const pending: PendingObject[] = [];
  const notes: string[] = [];

  for (const desired of input.desired) {
    const observed = observedByKey.get(desired.key);
    const action = planDesired(desired, observed, input.hooks[desired.backend] ?? NO_HOOKS);
    if (observed?.lease) action.lease = observed.lease;
    actions.push(action);
    if (action.action === 'noop' && observed && observed.status.phase !== 'ready') {
      pending.push({ key: desired.key, phase: observed.status.phase, ...(observed.status.message ? { message: observed.status.message } : {}) });
    }
  }
  const desiredResources = new Set(input.desired.map((d) => d.resource));
  const deleted: ObservedObject[] = [];
  for (const observed of input.observed) {
    if (desiredKeys.has(observed.key)) continue;
    const record = input.state.objects[observed.key];
    if (record?.orphaned) continue;
    const resource = resourceOf(observed.key);
    if (desiredResources.has(resource)) {
      actions.push(planDelete(observed, 'Delete', `no longer desired by ${resource}`));
    } else if (input.prune(observed.backend)) {
      const policy = record?.deletionPolicy ?? 'Delete';
      actions.push(planDelete(observed, policy, policy === 'Orphan' ? 'no longer in the manifests; deletionPolicy Orphan: let go, not deleted' : 'no longer in the manifests (prune)'));
    } else {
      notes.push(`${observed.key} is on backend ${observed.backend} but in no manifest; it is left alone (use --prune to delete it)`);
      continue;
    }
    deleted.push(observed);
  }
  orderDeletes(actions, deleted);
  actions.sort((a, b) => a.key.localeCompare(b.key));
  return {
    formatVersion: PLAN_FORMAT_VERSION,
    generator: input.generator,
    createdAt: input.now.toISOString(),
    manifestsDigest: input.manifestsDigest,
    observedDigest: observedDigest(input.observed),
    state: { lineage: input.state.lineage, serial: input.state.serial },
    actions,
    pending,
    notes,
    summary: summarise(actions),
  };
}

function planDesired(desired: DesiredObject, observed: ObservedObject | undefined, hooks: PlanHooks): PlannedAction {
  const base = {
    key: desired.key,
    resource: desired.resource,
    kind: desired.kind,
    backend: desired.backend,
    dependsOn: desired.dependsOn,
    desired: desired.spec,
    deletionPolicy: desired.deletionPolicy,
  };
  if (!observed) return { ...base, action: 'create', changes: createChanges(desired.spec, hooks), reason: 'not found on the backend' };
  const changes = diffSpecs(desired.spec, observed.spec, hooks);
  const forcing = changes.filter((c) => c.forcesReplacement).map((c) => c.path);
  if (forcing.length > 0) {
    return { ...base, ids: observed.ids, action: 'replace', changes, reason: `${forcing.join(', ')} cannot be changed in place` };
  }
  if (changes.length > 0) {
    return { ...base, ids: observed.ids, action: 'update', changes, reason: `${changes.length} field(s) differ` };
  }
  return { ...base, ids: observed.ids, action: 'noop', changes: [], reason: 'up to date' };
}

/** resourceOf: object keys start with their resource's `Kind/name`. */
export function resourceOf(key: string): string {
  return key.split('/').slice(0, 2).join('/');
}

/** orderDeletes makes each delete wait for the deletes of objects that depend on it. */
function orderDeletes(actions: PlannedAction[], deleted: ObservedObject[]): void {
  const deleting = new Set(deleted.map((o) => o.key));
  for (const action of actions) {
    if (action.action !== 'delete') continue;
    action.dependsOn = deleted.filter((o) => o.key !== action.key && o.dependsOn?.includes(action.key) && deleting.has(o.key)).map((o) => o.key);
  }
}

function planDelete(observed: ObservedObject, deletionPolicy: 'Delete' | 'Orphan', reason: string): PlannedAction {
  return {
    key: observed.key,
    resource: resourceOf(observed.key),
    kind: observed.kind,
    backend: observed.backend,
    action: 'delete',
    changes: [],
    reason,
    dependsOn: [],
    ids: observed.ids,
    deletionPolicy,
  };
}

/** createChanges lists every desired leaf as a change from nothing, without ignored paths. */
function createChanges(spec: DesiredObject['spec'], hooks: PlanHooks): PlannedAction['changes'] {
  return flatten(spec)
    .filter(([path]) => !matchesAny(path, hooks.ignored))
    .map(([path, after]) => ({ path, after }));
}

/** observedDigest fingerprints what was observed (ids and specs, not readiness). */
export function observedDigest(observed: ObservedObject[]): string {
  const facts = [...observed].sort((a, b) => a.key.localeCompare(b.key)).map((o) => ({ key: o.key, ids: o.ids, spec: o.spec }));
  return fingerprint(facts);
}

function summarise(actions: PlannedAction[]): Record<ActionType, number> {
  const summary: Record<ActionType, number> = { create: 0, update: 0, replace: 0, delete: 0, noop: 0 };
  for (const a of actions) summary[a.action] += 1;
  return summary;
}
