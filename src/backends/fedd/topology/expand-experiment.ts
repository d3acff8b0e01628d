/**
 * expandExperiment turns an Infrastructure placed on testbeds into its ExperimentSpec, purely
 * and deterministically: deploy N of a system becomes Computers `<system>-0 … <system>-(N-1)`
 * (stable names, so scaling only adds or removes the tail), each on its system's testbed; every
 * network a segment's computers use is a substrate of that segment; a network spanning testbeds
 * with `connection: ssh` gets a portal computer on each side for each peer testbed; services go
 * to their exporter (export) and importers (import).
 */
import type { InfrastructureSpec, NetworkSpec, ServiceSpec, SystemSpec } from '../../../manifest/types.js';
import { portalName, type ComputerSpec, type ExperimentSpec, type NetworkPart, type SegmentSpec } from './experiment-spec.js';

/** expandExperiment: see the file comment. Pure. */
export function expandExperiment(spec: InfrastructureSpec): ExperimentSpec {
  const segments: Record<string, SegmentSpec> = {};
  const segment = (testbed: string): SegmentSpec => (segments[testbed] ??= { computers: {}, networks: {}, services: [] });
  const networks = new Map(spec.networks.map((n) => [n.name, n]));
  for (const system of spec.systems) {
    const count = spec.deploy[system.name] ?? 0;
    if (!system.testbed || count === 0) continue;
    const target = segment(system.testbed);
    for (let i = 0; i < count; i += 1) target.computers[`${system.name}-${i}`] = instance(system);
    for (const iface of system.interfaces) target.networks[iface.network] = networkPart(networks.get(iface.network));
  }
  addPortals(segments, networks);
  addServices(segments, spec.services ?? []);
  return { segments: sortedSegments(segments) };
}

function instance(system: SystemSpec): ComputerSpec {
  return {
    image: system.image,
    ...(system.hardware ? { hardware: system.hardware } : {}),
    ...(system.startup ? { startup: system.startup } : {}),
    failureAction: system.failureAction ?? 'fatal',
    interfaces: system.interfaces.map((i) => i.network),
    status: 'active',
  };
}

function networkPart(network: NetworkSpec | undefined): NetworkPart {
  return {
    ...(network?.capacityKbps !== undefined ? { capacityKbps: network.capacityKbps } : {}),
    ...(network?.latencyMs !== undefined ? { latencyMs: network.latencyMs } : {}),
  };
}

/** addPortals gives each side of an ssh-joined network one portal per peer testbed. */
function addPortals(segments: Record<string, SegmentSpec>, networks: Map<string, NetworkSpec>): void {
  for (const [name, network] of networks) {
    if (network.connection !== 'ssh') continue;
    const span = Object.keys(segments).filter((t) => segments[t]!.networks[name] !== undefined).sort();
    if (span.length < 2) continue;
    for (const testbed of span) {
      for (const peer of span.filter((p) => p !== testbed)) {
        segments[testbed]!.computers[portalName(name, peer)] = { failureAction: 'fatal', peer, portal: true, interfaces: [name], status: 'active' };
      }
    }
  }
}

function addServices(segments: Record<string, SegmentSpec>, services: readonly ServiceSpec[]): void {
  services.forEach((service, index) => {
    const id = String(index + 1).padStart(4, '0');
    const add = (testbed: string, visibility: 'export' | 'import'): void => {
      segments[testbed]?.services.push({ id, name: service.name, visibility, attributes: { ...service.attributes } });
    };
    add(service.exporter, 'export');
    for (const importer of service.importers) if (importer !== service.exporter) add(importer, 'import');
  });
}

function sortedSegments(segments: Record<string, SegmentSpec>): Record<string, SegmentSpec> {
  return Object.fromEntries(Object.keys(segments).sort().map((t) => [t, segments[t]!]));
}
