/**
 * VmFacts is what converge knows about one of its VMs: the record, its VIFs, its converge-created
 * disks (VDIs marked with the VM's key and a disk index) and the disks that go with it when it is
 * deleted. Observe derives the VM's normalised spec from it; update and delete act on it.
 */
import type { Inventory } from './inventory.js';
import { MARK } from './inventory.js';
import type { XenVbd, XenVdi, XenVif, XenVm } from '../api/records.js';
import type { XenVmSpec } from '../xen-spec.js';

export interface DiskFact {
  vdi: XenVdi;
  index: number;
  /** vbd attaches the disk to this VM; absent for a marked disk left unattached (an interrupted create). */
  vbd?: XenVbd;
}

export interface VmFacts {
  key: string;
  infra: string;
  vm: XenVm;
  vifs: XenVif[];
  disks: DiskFact[];
  /** ownedVdis are destroyed with the VM: converge-marked disks, and those VM.provision made (VBD other_config `owner`). */
  ownedVdis: string[];
}

/** factsFromInventory: `primary` is false for a duplicate VM, which does not claim the key's loose disks. */
export function factsFromInventory(inv: Inventory, vm: XenVm, key: string, infra: string, primary: boolean): VmFacts {
  const vbds = inv.vbdsOf(vm);
  const disks: DiskFact[] = [];
  const owned = new Set<string>();
  for (const vbd of vbds) {
    const vdi = inv.tables.vdis.get(vbd.vdi);
    if (!vdi || vbd.empty || vbd.type === 'CD') continue;
    const marked = inv.keyOf(vdi.otherConfig) === key;
    if (marked) disks.push({ vdi, index: diskIndex(vdi), vbd });
    if ((marked || 'owner' in vbd.otherConfig) && !vdi.readOnly && !vdi.sharable) owned.add(vdi.ref);
  }
  if (primary) {
    for (const vdi of inv.ourVdisOf(key)) {
      if (vdi.vbds.some((ref) => inv.tables.vbds.has(ref))) continue;
      disks.push({ vdi, index: diskIndex(vdi) });
      owned.add(vdi.ref);
    }
  }
  disks.sort((a, b) => a.index - b.index || Number(Boolean(b.vbd)) - Number(Boolean(a.vbd)) || a.vdi.uuid.localeCompare(b.vdi.uuid));
  return { key, infra, vm, vifs: inv.vifsOf(vm), disks, ownedVdis: [...owned] };
}

export function diskIndex(vdi: XenVdi): number {
  const n = Number(vdi.otherConfig[MARK.disk]);
  return Number.isInteger(n) && n >= 0 ? n : -1;
}

/** observedVmSpec renders facts in the desired spec's shape; any anomaly shows as a difference. */
export function observedVmSpec(facts: VmFacts, inv: Inventory): XenVmSpec {
  const { vm } = facts;
  return {
    name: vm.nameLabel,
    template: vm.otherConfig[MARK.template] ?? '',
    arch: vm.otherConfig[MARK.arch] ?? null,
    provisioned: !vm.isTemplate,
    memory: vm.memory.dynamicMax,
    memoryMin: vm.memory.dynamicMin,
    vcpus: vm.vcpusMax,
    vcpusAtStartup: vm.vcpusAtStartup,
    disks: disksSpec(facts),
    interfaces: interfacesSpec(facts, (ref) => inv.networkName(ref, facts.infra)),
    power: vm.powerState.toLowerCase() as XenVmSpec['power'],
  };
}

/** disksSpec: `{size}` for a disk attached at its own position; gaps, duplicates and loose disks carry more. */
function disksSpec(facts: VmFacts): XenVmSpec['disks'] {
  return facts.disks.map((d, position) => {
    const clean = d.vbd !== undefined && d.index === position;
    return clean ? { size: d.vdi.size } : ({ size: d.vdi.size, index: d.index, attached: d.vbd !== undefined } as { size: number });
  });
}

/** interfacesSpec: network names by VIF device; a VIF off its position or unplugged on a running VM is marked. */
function interfacesSpec(facts: VmFacts, nameOf: (ref: string) => string): string[] {
  const running = facts.vm.powerState === 'Running';
  return [...facts.vifs]
    .sort((a, b) => Number(a.device) - Number(b.device))
    .map((vif, position) => {
      const name = nameOf(vif.network);
      const placed = vif.device === String(position) ? name : `${name}@${vif.device}`;
      return running && !vif.attached ? `${placed} (unplugged)` : placed;
    });
}
