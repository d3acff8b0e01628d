/**
 * A Generation is one valid manifest set as the controller works with it: the resources, the
 * drivers serving their backends, and the desired objects they expand to. Passes take the
 * current generation when they start; an invalid set on disk never becomes a generation, so the
 * last good desired state stays in force and nothing is destroyed because a file failed to parse.
 */
import type { DesiredObject, Driver } from '../backends/driver.js';
import type { BackendResource, ManifestSet, WorkloadResource } from '../manifest/types.js';
import { suspendedResources } from '../engine/suspend.js';
import { fingerprint } from '../util/json.js';

export interface Generation {
  manifests: ManifestSet;
  backends: ReadonlyMap<string, BackendResource>;
  drivers: ReadonlyMap<string, Driver>;
  desired: DesiredObject[];
  /** resources maps each workload resource key (`Infrastructure/web`) to its backend. */
  resources: ReadonlyMap<string, string>;
  /** suspended are the resource keys whose manifest suspends them (engine/suspend.ts): no passes for them. */
  suspended: ReadonlySet<string>;
  revision?: string;
  loadedAt: string;
}

export function backendsOf(set: ManifestSet): Map<string, BackendResource> {
  const backends = new Map<string, BackendResource>();
  for (const r of set.resources) if (r.kind === 'Backend') backends.set(r.metadata.name, r);
  return backends;
}

/** buildGeneration expands every workload resource with its backend's driver (pure). */
export function buildGeneration(set: ManifestSet, drivers: ReadonlyMap<string, Driver>, revision: string | undefined, at: Date): Generation {
  const workloads = set.resources.filter((r): r is WorkloadResource => r.kind !== 'Backend');
  return {
    manifests: set,
    backends: backendsOf(set),
    drivers,
    desired: workloads.flatMap((r) => drivers.get(r.spec.backend)!.expand(r)),
    resources: new Map(workloads.map((r) => [`${r.kind}/${r.metadata.name}`, r.spec.backend])),
    suspended: new Set(suspendedResources(set)),
    ...(revision ? { revision } : {}),
    loadedAt: at.toISOString(),
  };
}

/** ChangedResources: the resource keys whose desired objects differ, and the backends they touch. */
export interface ChangedResources {
  keys: Set<string>;
  backends: Set<string>;
}

export function changedResources(previous: Generation | undefined, next: Generation): ChangedResources {
  const before = resourceFingerprints(previous);
  const after = resourceFingerprints(next);
  const keys = new Set<string>();
  const backends = new Set<string>();
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    // Suspending or resuming changes nothing desired, but the resource must be looked at at once.
    if (before.get(key) === after.get(key) && (previous?.suspended.has(key) ?? false) === next.suspended.has(key)) continue;
    keys.add(key);
    const backend = previous?.resources.get(key);
    if (backend) backends.add(backend);
    const nextBackend = next.resources.get(key);
    if (nextBackend) backends.add(nextBackend);
  }
  return { keys, backends };
}

function resourceFingerprints(generation: Generation | undefined): Map<string, string> {
  const grouped = new Map<string, DesiredObject[]>();
  for (const d of generation?.desired ?? []) grouped.set(d.resource, [...(grouped.get(d.resource) ?? []), d]);
  for (const key of generation?.resources.keys() ?? []) if (!grouped.has(key)) grouped.set(key, []);
  return new Map(
    [...grouped].map(([key, objects]) => [key, fingerprint(objects.map((o) => ({ key: o.key, backend: o.backend, spec: o.spec, deletionPolicy: o.deletionPolicy, dependsOn: o.dependsOn })))]),
  );
}
