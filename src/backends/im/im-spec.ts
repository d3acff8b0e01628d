/**
 * The normalised spec of one IM infrastructure: the shape both `expand` (from the manifest) and
 * `observe` (from IM's RADL and VM info) produce, so the planner can diff them field by field.
 *
 * Memory is compared in whole megabytes (10^6 bytes, rounded down) because IM's Dummy connector
 * stores an altered VM's memory as `<n>M`: comparing bytes would show a diff forever.
 * cpu/memory are present only for systems that have VMs (they are facts of VMs, not of the
 * stored definition), and power only when something is deployed.
 */
import type { InfrastructureResource } from '../../manifest/types.js';
import type { JsonObject } from '../../util/json.js';
import type { DesiredObject, PlanHooks } from '../driver.js';

export interface ImDisk {
  sizeBytes: number;
  mountPath: string | null;
  fstype: string | null;
}

export interface ImInterface {
  network: string;
  dnsName: string | null;
}

export interface ImSystem {
  cpu?: number;
  memoryMB?: number;
  arch: string | null;
  image: string;
  disks: ImDisk[];
  interfaces: ImInterface[];
  configure: string | null;
}

export interface ImSpec {
  networks: Record<string, { outbound: boolean; outports: string[] }>;
  systems: Record<string, ImSystem>;
  deploy: Record<string, number>;
  power: 'running' | 'stopped' | 'mixed' | null;
}

/** IM_HOOKS: what IM cannot change in place (it has no call to alter networks, images or disks). */
export const IM_HOOKS: PlanHooks = {
  immutable: ['networks', 'systems.*.arch', 'systems.*.image', 'systems.*.disks', 'systems.*.interfaces'],
  // memoryBytes rides along in the desired spec for writing RADL; it is never observed.
  ignored: ['memoryBytes'],
};

export function toMegabytes(bytes: number): number {
  return Math.floor(bytes / 1_000_000);
}

/** normaliseRecipe makes recipe text comparable: no trailing spaces, no surrounding blank lines. */
export function normaliseRecipe(recipe: string | undefined | null): string | null {
  if (recipe === undefined || recipe === null) return null;
  const text = recipe.split('\n').map((l) => l.replace(/\s+$/, '')).join('\n').trim();
  return text === '' ? null : text;
}

export function expandInfrastructure(resource: InfrastructureResource): DesiredObject[] {
  const spec = resource.spec;
  const deployed = Object.values(spec.deploy).some((n) => n > 0);
  const im: ImSpec = {
    networks: Object.fromEntries(spec.networks.map((n) => [n.name, { outbound: n.outbound, outports: n.outports }])),
    systems: Object.fromEntries(
      spec.systems.map((s) => {
        const system: ImSystem = {
          arch: s.cpu.arch ?? null,
          image: s.image,
          disks: s.disks.map((d) => ({ sizeBytes: d.sizeBytes, mountPath: d.mountPath ?? null, fstype: d.fstype ?? null })),
          interfaces: s.interfaces.map((i) => ({ network: i.network, dnsName: i.dnsName ?? null })),
          configure: normaliseRecipe(s.configure),
        };
        if ((spec.deploy[s.name] ?? 0) > 0) {
          system.cpu = s.cpu.count;
          system.memoryMB = toMegabytes(s.memoryBytes);
        }
        return [s.name, system];
      }),
    ),
    deploy: Object.fromEntries(spec.systems.map((s) => [s.name, spec.deploy[s.name] ?? 0])),
    power: deployed ? spec.power : null,
  };
  const key = `Infrastructure/${resource.metadata.name}`;
  return [
    {
      key,
      resource: key,
      kind: 'Infrastructure',
      backend: spec.backend,
      spec: { ...im, memoryBytes: memoryBytesOf(resource) } as unknown as JsonObject,
      deletionPolicy: spec.deletionPolicy,
      dependsOn: [],
    },
  ];
}

/**
 * memoryBytesOf keeps the exact requested bytes per system next to the spec (ignored by the diff),
 * because RADL is written with the user's exact size while comparisons use megabytes.
 */
function memoryBytesOf(resource: InfrastructureResource): Record<string, number> {
  return Object.fromEntries(resource.spec.systems.map((s) => [s.name, s.memoryBytes]));
}
