/**
 * The /status document: the controller, the manifests (valid or not, with their diagnostics and
 * git revision), the revision last applied, the queue, and every resource converge knows of
 * (desired, recorded in state, or observed) with its conditions, last error, last converged
 * time and live objects as last observed. The HTML page renders the same document.
 */
import type { AccessFacts, Lease, ObjectPhase, ObservedObject } from '../../backends/driver.js';
import { resourceKeyOf } from '../../engine/scope.js';
import type { StateSnapshot } from '../../state/types.js';
import type { Diagnostic } from '../../manifest/types.js';
import type { JsonObject } from '../../util/json.js';
import type { Generation } from '../generation.js';
import type { ReplicaStatus } from '../replica/replica.js';
import type { Condition } from './conditions.js';
import type { StatusBoard } from './status-board.js';

/** ManifestReport is the last look at the manifests on disk (valid or not). */
export interface ManifestReport {
  valid: boolean;
  /** diagnostics of the manifests on disk: the objects `validate --json` prints (docs/JSON.md). */
  diagnostics: Diagnostic[];
  checkedAt: string;
  revision?: string;
  /** error is why a valid set could not be put in force (e.g. a backend failed to open). */
  error?: string;
}

export interface ObjectStatus {
  key: string;
  phase: ObjectPhase | 'absent';
  message?: string;
  ids: Record<string, string>;
  spec?: JsonObject;
  lease?: Lease;
  observedAt?: string;
  /** access is how to reach the object (addresses, endpoints, node names), as last observed. */
  access?: AccessFacts;
}

export interface ResourceStatus {
  key: string;
  kind: string;
  backend?: string;
  inManifests: boolean;
  conditions: { Ready: Condition; Synced: Condition };
  lastError?: { code: string; message: string; at: string };
  lastConvergedAt?: string;
  lastReconcileAt?: string;
  reconciles: number;
  nextLeaseCheck?: string;
  objects: ObjectStatus[];
}

export interface StatusDocument {
  controller: { version: string; phase: 'starting' | 'running' | 'stopping'; startedAt: string; pid: number; owner: string; workers: number; resyncMs: number };
  manifests: ManifestReport & { dir: string; inForce?: { revision?: string; digest: string; loadedAt: string } };
  lastApplied: StateSnapshot['lastApplied'] | null;
  queue: { depth: number; inFlight: number; delayed: number };
  /** replica is there for `watch --sharded`: this replica's id and shards, and the live replicas. */
  replica?: ReplicaStatus;
  resources: ResourceStatus[];
}

export interface StatusInput {
  controller: StatusDocument['controller'];
  dir: string;
  manifests: ManifestReport;
  generation: Generation | undefined;
  state: StateSnapshot;
  board: StatusBoard;
  observed: ReadonlyMap<string, { objects: readonly ObservedObject[]; at: number }>;
  queue: StatusDocument['queue'];
  leaseChecks: ReadonlyMap<string, Date>;
  replica?: ReplicaStatus;
  /** owns limits the resources listed to this replica's (sharded); absent: all. */
  owns?: (resourceKey: string) => boolean;
}

/** statusDocument assembles /status from the controller's parts (pure). */
export function statusDocument(input: StatusInput): StatusDocument {
  const generation = input.generation;
  return {
    controller: input.controller,
    manifests: {
      dir: input.dir,
      ...input.manifests,
      ...(generation ? { inForce: { ...(generation.revision ? { revision: generation.revision } : {}), digest: generation.manifests.digest, loadedAt: generation.loadedAt } } : {}),
    },
    lastApplied: input.state.lastApplied ?? null,
    queue: input.queue,
    ...(input.replica ? { replica: input.replica } : {}),
    resources: resourceKeys(input).map((key) => resourceStatus(key, input)),
  };
}

/** resourceKeys: desired, recorded in state, observed or reconciled — sorted. */
function resourceKeys(input: StatusInput): string[] {
  const keys = new Set<string>([...(input.generation?.resources.keys() ?? []), ...input.board.keys()]);
  for (const key of Object.keys(input.state.objects)) keys.add(resourceKeyOf(key));
  for (const { objects } of input.observed.values()) for (const o of objects) keys.add(resourceKeyOf(o.key));
  return [...keys].filter((key) => input.owns?.(key) ?? true).sort();
}

function resourceStatus(key: string, input: StatusInput): ResourceStatus {
  const record = input.board.get(key);
  const unknown: Condition = { status: 'Unknown', reason: 'NotReconciledYet', lastTransitionTime: input.controller.startedAt };
  const objects = objectsOf(key, input);
  const next = input.leaseChecks.get(key);
  return {
    key,
    kind: key.split('/')[0] ?? '',
    ...backendOf(key, input),
    inManifests: input.generation?.resources.has(key) ?? false,
    conditions: { Ready: record?.ready ?? unknown, Synced: record?.synced ?? unknown },
    ...(record?.lastError ? { lastError: record.lastError } : {}),
    ...(record?.lastConvergedAt ? { lastConvergedAt: record.lastConvergedAt } : {}),
    ...(record?.lastReconcileAt ? { lastReconcileAt: record.lastReconcileAt } : {}),
    reconciles: record?.reconciles ?? 0,
    ...(next ? { nextLeaseCheck: next.toISOString() } : {}),
    objects,
  };
}

function backendOf(key: string, input: StatusInput): { backend?: string } {
  const backend = input.generation?.resources.get(key) ?? Object.values(input.state.objects).find((r) => resourceKeyOf(r.key) === key)?.backend;
  return backend ? { backend } : {};
}

/** objectsOf lists a resource's desired and live objects as last observed. */
function objectsOf(key: string, input: StatusInput): ObjectStatus[] {
  const live = new Map<string, ObjectStatus>();
  for (const { objects, at } of input.observed.values()) {
    for (const o of objects) {
      if (resourceKeyOf(o.key) !== key) continue;
      const observedAt = new Date(at).toISOString();
      live.set(o.key, { key: o.key, phase: o.status.phase, ...(o.status.message ? { message: o.status.message } : {}), ids: o.ids, spec: o.spec, ...(o.lease ? { lease: o.lease } : {}), observedAt, ...(o.access ? { access: o.access } : {}) });
    }
  }
  for (const d of input.generation?.desired ?? []) {
    if (d.resource === key && !live.has(d.key)) live.set(d.key, { key: d.key, phase: 'absent', ids: input.state.objects[d.key]?.ids ?? {} });
  }
  return [...live.values()].sort((a, b) => a.key.localeCompare(b.key));
}
