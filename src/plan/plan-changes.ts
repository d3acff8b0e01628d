/**
 * planChanges is the pure heart of converge: desired objects + observed objects + state in,
 * a Plan out. No I/O, no clock except the `now` it is given, so it is tested as tables.
 *
 * Rules, per object key:
 * - in motion (a call of unknown outcome not yet accounted for, or the backend still carrying
 *   out a change: `status.changing`)         → nothing; it waits as `progressing`
 * - blocked (two live copies, none provably ours; or only another owner's copy) → nothing; it
 *   fails until resolved
 * - desired, not observed                 → create
 * - desired and observed, no change        → noop (listed in `pending` when not ready)
 * - changes that can all be made in place  → update
 * - any change to an immutable path         → replace (delete + create)
 * - named by `replace` (`--replace KEY`), live → replace, even without a change
 * - observed, not desired: see plan-leftovers.ts (delete, forget, or a note)
 * Deletes wait for the deletes of the objects that depend on them (a VM before its network).
 */
import type { DesiredObject, ObservedObject, PlanHooks } from '../backends/driver.js';
import { fingerprint } from '../util/json.js';
import { diffSpecs, flatten, matchesAny } from './diff.js';
import { planLeftovers } from './plan-leftovers.js';
import type { PlanInput } from './plan-input.js';
import { PLAN_FORMAT_VERSION, type ActionType, type PendingObject, type Plan, type PlannedAction } from './types.js';

export type { BlockedKey, PlanInput, SurplusCopy } from './plan-input.js';

const NO_HOOKS: PlanHooks = { immutable: [], ignored: [] };

export function planChanges(input: PlanInput): Plan {
  const observedByKey = new Map(input.observed.map((o) => [o.key, o]));
  const actions: PlannedAction[] = [];
  const pending: PendingObject[] = [];

  for (const desired of input.desired) {
    const observed = observedByKey.get(desired.key);
    const held = heldBack(desired.key, observed, input);
    const action = held ? noop(desired, observed, held.message) : planDesired(desired, observed, input);
    if (observed?.lease) action.lease = observed.lease;
    actions.push(action);
    if (held) pending.push({ key: desired.key, ...held });
    else if (action.action === 'noop' && observed && observed.status.phase !== 'ready') {
      pending.push({ key: desired.key, phase: observed.status.phase, ...(observed.status.message ? { message: observed.status.message } : {}) });
    }
  }
  const leftovers = planLeftovers(input, new Set(input.desired.map((d) => d.key)));
  actions.push(...leftovers.actions);
  pending.push(...leftovers.pending.filter((p) => !pending.some((q) => q.key === p.key)));
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
    notes: leftovers.notes,
    leftAlone: leftovers.leftAlone,
    summary: summarise(actions),
  };
}

/** heldBack says why a desired key gets no action this pass, if it must not get one. */
function heldBack(key: string, observed: ObservedObject | undefined, input: PlanInput): Omit<PendingObject, 'key'> | undefined {
  const waiting = input.inMotion?.get(key);
  if (waiting) return { phase: 'progressing', message: waiting };
  if (observed?.status.changing) return { phase: 'progressing', message: observed.status.message ?? 'the backend is still changing it' };
  const blocked = input.blocked?.get(key);
  if (blocked) return { phase: 'failed', message: blocked.message, code: blocked.code };
  return undefined;
}

function planDesired(desired: DesiredObject, observed: ObservedObject | undefined, input: PlanInput): PlannedAction {
  const hooks = input.hooks[desired.backend] ?? NO_HOOKS;
  const base = baseOf(desired);
  if (!observed) {
    const gone = input.gone?.get(desired.key);
    const ids = input.state.objects[desired.key]?.ids;
    const reason = gone && ids ? `recorded as ${describeIds(ids)}, which the backend says no longer exists (${gone})` : 'not found on the backend';
    return { ...base, action: 'create', changes: createChanges(desired.spec, hooks), reason };
  }
  const changes = diffSpecs(desired.spec, observed.spec, hooks);
  const forcing = changes.filter((c) => c.forcesReplacement).map((c) => c.path);
  if (forcing.length > 0) {
    return { ...base, ids: observed.ids, action: 'replace', changes, reason: `${forcing.join(', ')} cannot be changed in place` };
  }
  if (input.replace?.has(desired.key)) {
    return { ...base, ids: observed.ids, action: 'replace', changes, reason: 'replacement requested (--replace)' };
  }
  if (changes.length > 0) {
    return { ...base, ids: observed.ids, action: 'update', changes, reason: `${changes.length} field(s) differ` };
  }
  return { ...base, ids: observed.ids, action: 'noop', changes: [], reason: 'up to date' };
}

function noop(desired: DesiredObject, observed: ObservedObject | undefined, reason: string | undefined): PlannedAction {
  return { ...baseOf(desired), ...(observed ? { ids: observed.ids } : {}), action: 'noop', changes: [], reason: reason ?? 'waiting' };
}

function baseOf(desired: DesiredObject): Omit<PlannedAction, 'action' | 'changes' | 'reason'> {
  return {
    key: desired.key,
    resource: desired.resource,
    kind: desired.kind,
    backend: desired.backend,
    dependsOn: desired.dependsOn,
    desired: desired.spec,
    deletionPolicy: desired.deletionPolicy,
  };
}

/** resourceOf: object keys start with their resource's `Kind/name`. */
export function resourceOf(key: string): string {
  return key.split('/').slice(0, 2).join('/');
}

/** createChanges lists every desired leaf as a change from nothing, without ignored paths. */
function createChanges(spec: DesiredObject['spec'], hooks: PlanHooks): PlannedAction['changes'] {
  return flatten(spec)
    .filter(([path]) => !matchesAny(path, hooks.ignored))
    .map(([path, after]) => ({ path, after }));
}

function describeIds(ids: Record<string, string>): string {
  return Object.entries(ids).map(([k, v]) => `${k}=${v}`).join(', ');
}

/** observedDigest fingerprints what was observed (ids and specs, not readiness). */
export function observedDigest(observed: ObservedObject[]): string {
  const facts = [...observed].sort((a, b) => a.key.localeCompare(b.key)).map((o) => ({ key: o.key, ids: o.ids, spec: o.spec }));
  return fingerprint(facts);
}

function summarise(actions: PlannedAction[]): Record<ActionType, number> {
  const summary: Record<ActionType, number> = { create: 0, update: 0, replace: 0, delete: 0, forget: 0, noop: 0 };
  for (const a of actions) summary[a.action] += 1;
  return summary;
}
