/**
 * Reading what a XenAPI simulator holds (its dump: class → ref → row), the ground truth tests
 * compare converge's claims against: converge-marked VMs and networks, guest VMs by name, and
 * disks that nothing uses.
 */
import { join } from 'node:path';
import { SEED_UUIDS, XenApiSimulator, type XenSimDump } from '../../src/backends/xenapi/sim/index.js';

type Row = Record<string, unknown>;

const otherConfig = (row: Row): Record<string, string> => (row.other_config ?? {}) as Record<string, string>;

export function embeddedXenState(manifestsDir: string, backend = 'xen-local'): XenSimDump {
  return new XenApiSimulator({ persistPath: join(manifestsDir, '.converge', 'sim', `${backend}.xenapi.json`) }).dump();
}

export function rows(dump: XenSimDump, cls: string): Array<Row & { ref: string }> {
  return Object.entries(dump[cls] ?? {}).map(([ref, row]) => ({ ...row, ref }));
}

const SEEDED = new Set<string>(Object.values(SEED_UUIDS));

/** guestVms are the VMs that are not dom0, snapshots or the seed templates: also unmarked clones, still templates. */
export function guestVms(dump: XenSimDump): Array<Row & { ref: string }> {
  return rows(dump, 'VM').filter((vm) => vm.is_control_domain !== true && vm.is_a_snapshot !== true && !SEEDED.has(String(vm.uuid)));
}

/** markedKeys lists converge.key of the VMs and networks marked by converge (any owner, or `owner`). */
export function markedKeys(dump: XenSimDump, owner?: string): string[] {
  return [...rows(dump, 'VM'), ...rows(dump, 'network')]
    .map(otherConfig)
    .filter((oc) => oc['converge.key'] && oc['converge.owner'] && (owner === undefined || oc['converge.owner'] === owner))
    .map((oc) => oc['converge.key']!)
    .sort();
}

/** looseVdis are VDIs that no VBD uses, outside ISO SRs: leaked disks. */
export function looseVdis(dump: XenSimDump): Array<Row & { ref: string }> {
  const isoSrs = new Set(rows(dump, 'SR').filter((sr) => sr.content_type === 'iso').map((sr) => sr.ref));
  return rows(dump, 'VDI').filter((vdi) => !isoSrs.has(String(vdi.SR)) && (vdi.VBDs as string[]).length === 0);
}

/** strayVifs are VIFs whose VM no longer exists (cannot happen in xapi; checked anyway). */
export function strayVifs(dump: XenSimDump): Array<Row & { ref: string }> {
  const vms = new Set(Object.keys(dump.VM ?? {}));
  return rows(dump, 'VIF').filter((vif) => !vms.has(String(vif.VM)));
}

export function vmNamed(dump: XenSimDump, name: string): Array<Row & { ref: string }> {
  return rows(dump, 'VM').filter((vm) => vm.name_label === name);
}
