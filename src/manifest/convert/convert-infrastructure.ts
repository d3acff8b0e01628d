/** Infrastructure manifest → InfrastructureSpec: bytes, normalised cpu and interfaces, defaults. */
import type { DiskSpec, InfrastructureSpec, InterfaceSpec, NetworkSpec, ServiceSpec, SystemSpec } from '../types.js';
import { bitsPerSecondOf, bytesOf, millisecondsOf } from './checked-units.js';
import type { InfrastructureManifestSpec, SystemManifest } from './manifest-shapes.js';

/** convertInfrastructureSpec applies the defaults documented in schemas/infrastructure.schema.json. */
export function convertInfrastructureSpec(spec: InfrastructureManifestSpec): InfrastructureSpec {
  return {
    backend: spec.backend,
    networks: (spec.networks ?? []).map(convertNetwork),
    systems: spec.systems.map(convertSystem),
    deploy: { ...spec.deploy },
    power: spec.power ?? 'running',
    deletionPolicy: spec.deletionPolicy ?? 'Delete',
    updatePolicy: spec.updatePolicy ?? 'inPlace',
    ...(spec.services ? { services: spec.services.map(convertService) } : {}),
  };
}

function convertNetwork(n: NonNullable<InfrastructureManifestSpec['networks']>[number]): NetworkSpec {
  const network: NetworkSpec = { name: n.name, outbound: n.outbound ?? false, outports: n.outports ?? [] };
  if (n.capacity !== undefined) network.capacityKbps = bitsPerSecondOf(n.capacity) / 1000;
  if (n.latency !== undefined) network.latencyMs = millisecondsOf(n.latency, '0ms');
  if (n.connection !== undefined) network.connection = n.connection;
  return network;
}

function convertService(s: NonNullable<InfrastructureManifestSpec['services']>[number]): ServiceSpec {
  return { name: s.name, exporter: s.exporter, importers: [...(s.importers ?? [])], attributes: { ...(s.attributes ?? {}) } };
}

function convertSystem(system: SystemManifest): SystemSpec {
  const result: SystemSpec = {
    name: system.name,
    cpu: typeof system.cpu === 'number' ? { count: system.cpu } : { ...system.cpu },
    memoryBytes: bytesOf(system.memory),
    image: system.image,
    disks: (system.disks ?? []).map((d) => withOptional<DiskSpec>({ sizeBytes: bytesOf(d.size) }, d, ['mountPath', 'fstype'])),
    interfaces: (system.interfaces ?? []).map(
      (i): InterfaceSpec => (typeof i === 'string' ? { network: i } : withOptional<InterfaceSpec>({ network: i.network }, i, ['dnsName'])),
    ),
  };
  return withOptional(result, system, ['configure', 'testbed', 'hardware', 'startup', 'failureAction']);
}

/** withOptional copies the optional fields that are present, so absent ones stay absent. */
function withOptional<T extends object>(target: T, source: object, keys: ReadonlyArray<keyof T & string>): T {
  for (const key of keys) {
    const value = (source as Record<string, unknown>)[key];
    if (value !== undefined) (target as Record<string, unknown>)[key] = value;
  }
  return target;
}
