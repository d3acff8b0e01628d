/**
 * Expanding an `Infrastructure` into XenAPI objects (pure), and the normalised specs that both
 * expand and observe produce so the planner can diff them:
 * - one VM per deployed system instance, key `Infrastructure/<infra>/vm/<system>-<i>`, named
 *   `<infra>-<system>-<i>`, depending on the networks its interfaces use;
 * - one network object per declared network, key `Infrastructure/<infra>/network/<name>`.
 * Memory is `memory` (dynamic max) and `memoryMin` (dynamic min), both the manifest's bytes;
 * VCPUs are `vcpus` (VCPUs_max) and `vcpusAtStartup`. `updatePolicy` rides along for update and
 * is never diffed. The template and the arch cannot change in place: they force replacement.
 */
import type { InfrastructureResource, SystemSpec } from '../../manifest/types.js';
import type { JsonObject } from '../../util/json.js';
import type { DesiredObject, PlanHooks } from '../driver.js';

export type XenPower = 'running' | 'halted' | 'suspended' | 'paused';

export interface XenVmSpec {
  name: string;
  template: string;
  arch: string | null;
  provisioned: boolean;
  memory: number;
  memoryMin: number;
  vcpus: number;
  vcpusAtStartup: number;
  disks: Array<{ size: number }>;
  interfaces: string[];
  power: XenPower;
  updatePolicy?: 'inPlace' | 'restart';
}

export interface XenNetworkSpec {
  name: string;
}

export const XEN_HOOKS: PlanHooks = {
  immutable: ['template', 'arch'],
  ignored: ['updatePolicy'],
};

export type XenKey = { infra: string; type: 'vm' | 'network'; name: string };

export function vmKey(infra: string, system: string, index: number): string {
  return `Infrastructure/${infra}/vm/${system}-${index}`;
}

export function networkKey(infra: string, name: string): string {
  return `Infrastructure/${infra}/network/${name}`;
}

/** parseKey reads an object key back; undefined for keys that are not a VM's or a network's. */
export function parseKey(key: string): XenKey | undefined {
  const match = /^Infrastructure\/([^/]+)\/(vm|network)\/([^/#]+)$/.exec(key);
  return match ? { infra: match[1]!, type: match[2] as XenKey['type'], name: match[3]! } : undefined;
}

export function expandInfrastructure(resource: InfrastructureResource): DesiredObject[] {
  const infra = resource.metadata.name;
  const spec = resource.spec;
  const base = { resource: `Infrastructure/${infra}`, kind: 'Infrastructure' as const, backend: spec.backend, deletionPolicy: spec.deletionPolicy };
  const objects: DesiredObject[] = spec.networks.map((n) => ({
    ...base,
    key: networkKey(infra, n.name),
    spec: { name: n.name } satisfies XenNetworkSpec as unknown as JsonObject,
    dependsOn: [],
  }));
  for (const system of spec.systems) {
    for (let i = 0; i < (spec.deploy[system.name] ?? 0); i += 1) {
      objects.push({
        ...base,
        key: vmKey(infra, system.name, i),
        spec: vmSpec(infra, system, i, resource) as unknown as JsonObject,
        dependsOn: [...new Set(system.interfaces.map((iface) => networkKey(infra, iface.network)))],
      });
    }
  }
  return objects;
}

function vmSpec(infra: string, system: SystemSpec, index: number, resource: InfrastructureResource): XenVmSpec {
  return {
    name: `${infra}-${system.name}-${index}`,
    template: system.image,
    arch: system.cpu.arch ?? null,
    provisioned: true,
    memory: system.memoryBytes,
    memoryMin: system.memoryBytes,
    vcpus: system.cpu.count,
    vcpusAtStartup: system.cpu.count,
    disks: system.disks.map((d) => ({ size: d.sizeBytes })),
    interfaces: system.interfaces.map((i) => i.network),
    power: resource.spec.power === 'stopped' ? 'halted' : 'running',
    updatePolicy: resource.spec.updatePolicy,
  };
}
