/**
 * RADL text converge sends to IM. Layout follows what IM itself prints (apis/im.md §b) so that
 * what a person reads in IM's logs looks familiar. Every infrastructure carries a `description`
 * block with converge's ownership marker: owner and object key. Observe finds our
 * infrastructures by it (GetInfrastructureList's regex filter), also after a crash.
 */
import type { ImSpec, ImSystem } from './im-spec.js';

export interface OwnershipMarker {
  owner: string;
  key: string;
}

export const MARKER_ID = 'converge';

export function quote(value: string): string {
  return `'${value.replace(/'/g, "\\'")}'`;
}

/** formatSize writes bytes with the largest unit that divides them exactly (RADL units, §b). */
export function formatSize(bytes: number): string {
  const units: Array<[string, number]> = [
    ['Ti', 2 ** 40], ['T', 1e12], ['Gi', 2 ** 30], ['G', 1e9], ['Mi', 2 ** 20], ['M', 1e6], ['Ki', 1024], ['K', 1e3],
  ];
  for (const [unit, size] of units) if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`;
  return `${bytes}B`;
}

/** ownerFilter is the GetInfrastructureList regex that matches our marker's owner line. */
export function ownerFilter(owner: string): string {
  return `converge\\.owner = '${owner.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}'`;
}

/** keyFilter is the GetInfrastructureList regex that matches markers carrying any of `keys`. */
export function keyFilter(keys: readonly string[]): string {
  return `converge\\.key = '(${keys.map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})'`;
}

export function markerRadl(marker: OwnershipMarker): string {
  return `description ${MARKER_ID} (\nconverge.owner = ${quote(marker.owner)} and\nconverge.key = ${quote(marker.key)}\n)`;
}

function networkRadl(name: string, net: ImSpec['networks'][string]): string {
  const features = [`outbound = '${net.outbound ? 'yes' : 'no'}'`];
  if (net.outports.length > 0) features.push(`outports = ${quote(net.outports.join(','))}`);
  return `network ${name} ( ${features.join(' and ')} )`;
}

function systemRadl(name: string, system: ImSystem, cpu: number, memoryBytes: number): string {
  const f: string[] = [`cpu.count >= ${cpu}`];
  if (system.arch) f.push(`cpu.arch = ${quote(system.arch)}`);
  f.push(`memory.size >= ${formatSize(memoryBytes)}`);
  system.interfaces.forEach((iface, i) => {
    f.push(`net_interface.${i}.connection = ${quote(iface.network)}`);
    if (iface.dnsName) f.push(`net_interface.${i}.dns_name = ${quote(iface.dnsName)}`);
  });
  f.push(`disk.0.os.name = 'linux'`, `disk.0.image.url = ${quote(system.image)}`);
  system.disks.forEach((disk, i) => {
    f.push(`disk.${i + 1}.size = ${formatSize(disk.sizeBytes)}`);
    if (disk.mountPath) f.push(`disk.${i + 1}.mount_path = ${quote(disk.mountPath)}`);
    if (disk.fstype) f.push(`disk.${i + 1}.fstype = ${quote(disk.fstype)}`);
  });
  return `system ${name} (\n${f.join(' and\n')}\n)`;
}

function configureRadl(name: string, recipe: string): string {
  return `configure ${name} (\n@begin\n${recipe}\n@end\n)`;
}

/**
 * contextualizeRadl names the (system, recipe) pairs IM runs. An empty `contextualize ()` turns
 * contextualization off (VMs are `configured` as soon as they run). IM merges a later document's
 * items into the stored ones (Reconfigure), so recipes added after creation must be named here
 * too: without items, the stored empty `contextualize ()` would keep them from ever running.
 */
function contextualizeRadl(systems: string[]): string {
  if (systems.length === 0) return 'contextualize ()';
  return `contextualize (
${systems.map((s) => `system ${s} configure ${s}`).join('\n')}
)`;
}

/** createRadl is the whole document for CreateInfrastructure. */
export function createRadl(spec: ImSpec, memoryBytes: Record<string, number>, cpuOf: (system: string) => number, marker: OwnershipMarker): string {
  const parts = [markerRadl(marker)];
  for (const [name, net] of Object.entries(spec.networks)) parts.push(networkRadl(name, net));
  for (const [name, system] of Object.entries(spec.systems)) parts.push(systemRadl(name, system, cpuOf(name), memoryBytes[name] ?? 0));
  const recipes = Object.entries(spec.systems).filter(([, s]) => s.configure !== null);
  for (const [name, system] of recipes) parts.push(configureRadl(name, system.configure!));
  parts.push(contextualizeRadl(recipes.map(([name]) => name)));
  for (const [name, count] of Object.entries(spec.deploy)) parts.push(`deploy ${name} ${count}`);
  return `${parts.join('\n')}\n`;
}

/** addResourceRadl adds `count` VMs of a stored system; IM needs every network named again. */
export function addResourceRadl(networks: string[], system: string, count: number): string {
  return [...networks.map((n) => `network ${n}`), `system ${system}`, `deploy ${system} ${count}`].join('\n') + '\n';
}

/** alterVmRadl resizes one VM; IM requires the VM's own system name and a memory.size. */
export function alterVmRadl(system: string, cpu: number, memoryBytes: number): string {
  return `system ${system} (\ncpu.count >= ${cpu} and\nmemory.size >= ${formatSize(memoryBytes)}\n)\n`;
}

/**
 * reconfigureRadl carries changed recipes; IM replaces the stored configure blocks and re-runs
 * contextualization. A removed recipe (null) becomes an empty `configure <system> ()`.
 */
export function reconfigureRadl(recipes: Array<[string, string | null]>): string {
  const blocks = recipes.map(([name, recipe]) => (recipe === null ? `configure ${name} ()` : configureRadl(name, recipe)));
  const run = recipes.filter(([, recipe]) => recipe !== null).map(([name]) => name);
  return [...blocks, ...(run.length > 0 ? [contextualizeRadl(run)] : [])].join('\n') + '\n';
}
