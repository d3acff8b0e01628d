/**
 * A plan is plain data (DESIGN §3, Terraform internal/plans): versioned, JSON-serialisable, with
 * one action per object key. `reason` is for humans only; nothing parses it.
 */
import type { JsonObject } from '../util/json.js';
import type { Kind } from '../manifest/types.js';
import type { FieldChange, Lease, ObjectPhase } from '../backends/driver.js';

export type { FieldChange } from '../backends/driver.js';

export const PLAN_FORMAT_VERSION = 1;

/**
 * ActionType: `forget` lets go of a live object without any call (deletionPolicy Orphan, or an
 * external object a resource only used): state stops managing it and it stays live.
 */
export type ActionType = 'create' | 'update' | 'replace' | 'delete' | 'forget' | 'noop';

export interface PlannedAction {
  key: string;
  resource: string;
  kind: Kind;
  backend: string;
  action: ActionType;
  changes: FieldChange[];
  reason: string;
  dependsOn: string[];
  /** desired is the spec apply will realise (absent for delete). */
  desired?: JsonObject;
  /** ids are the live object's ids (absent for create). */
  ids?: Record<string, string>;
  deletionPolicy: 'Delete' | 'Orphan';
  /** lease of the live object, when its backend leases objects (shown in plans). */
  lease?: Lease;
  /** external objects were used, not created, by converge: forgetting them drops their record. */
  external?: boolean;
}

/** PendingObject is an object with nothing to change that is not ready yet (or never will be). */
export interface PendingObject {
  key: string;
  phase: ObjectPhase;
  message?: string;
  /** code names why a failed object failed, when the planner decided it (e.g. DUPLICATE_OBJECTS). */
  code?: string;
}

/** LeftAloneObject is a live object no manifest desires any more, not pruned. */
export interface LeftAloneObject {
  key: string;
  backend: string;
  ids: Record<string, string>;
}

export interface Plan {
  formatVersion: typeof PLAN_FORMAT_VERSION;
  generator: string;
  createdAt: string;
  manifestsDigest: string;
  /** observedDigest hashes the observed specs and ids; a saved plan is stale when it changes. */
  observedDigest: string;
  state: { lineage: string; serial: number };
  actions: PlannedAction[];
  pending: PendingObject[];
  /** notes are human hints, e.g. objects left alone because prune is off. */
  notes: string[];
  /**
   * leftAlone lists live objects this owner manages whose manifest is gone, left alone because
   * prune is off (`--prune` would delete them, or forget them under deletionPolicy Orphan).
   * Absent in plans written before it existed: read it as empty.
   */
  leftAlone?: LeftAloneObject[];
  summary: Record<ActionType, number>;
}

/** hasChanges is true when applying the plan would change anything (a backend or state). */
export function hasChanges(plan: Plan): boolean {
  return plan.actions.some((a) => a.action !== 'noop');
}
