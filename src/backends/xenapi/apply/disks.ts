/**
 * Extra disks (xenapi.md §3 VDI/VBD, §4 rules). Each manifest disk is a VDI converge creates in
 * the SR chosen by the Backend (`VDI.create`, marked in its constructor record with the VM's key
 * and the disk's index, so it is never unmarked) attached by `VBD.create` (and `VBD.plug` when
 * the VM runs). Disks are matched by index: one found loose is attached, one missing is created,
 * a smaller one is grown (`VDI.resize`, unplugged around it on a running VM), duplicates and
 * disks beyond the manifest's list are destroyed. Shrinking is refused (xapi cannot).
 */
import { ConvergeError } from '../../../errors/converge-error.js';
import { once, repeat, task, type Actor } from './actor.js';
import type { DiskFact, VmFacts } from '../observe/vm-facts.js';
import { MARK } from '../observe/inventory.js';
import type { PowerTrack } from './power.js';
import type { XenVmSpec } from '../xen-spec.js';

/** realizeDisks returns the problems it could not fix (to report after the other steps). */
export async function realizeDisks(actor: Actor, facts: VmFacts, spec: XenVmSpec, state: PowerTrack): Promise<ConvergeError[]> {
  const problems: ConvergeError[] = [];
  const kept = new Set<DiskFact>();
  for (const [index, want] of spec.disks.entries()) {
    const disk = facts.disks.find((d) => d.index === index);
    if (!disk) {
      await addDisk(actor, facts, index, want.size, state);
      continue;
    }
    kept.add(disk);
    if (!disk.vbd) await attach(actor, facts, disk.vdi.ref, state);
    else if (state.power === 'Running' && !disk.vbd.attached) await repeat(actor, 'VBD.plug', `vbd ${disk.vbd.ref}`, [disk.vbd.ref], ['DEVICE_ALREADY_ATTACHED']);
    if (disk.vdi.size < want.size) await grow(actor, disk, want.size, state);
    if (disk.vdi.size > want.size) {
      problems.push(new ConvergeError('INVALID', 'XEN_DISK_SHRINK', `${facts.key}: disk ${index} is ${disk.vdi.size} bytes; XenAPI cannot shrink it to ${want.size}`));
    }
  }
  for (const disk of facts.disks) if (!kept.has(disk)) await removeDisk(actor, disk, state);
  return problems;
}

async function addDisk(actor: Actor, facts: VmFacts, index: number, size: number, state: PowerTrack): Promise<void> {
  const sr = await actor.lookup.sr(actor.signal);
  const record = {
    name_label: `${facts.vm.nameLabel} disk ${index}`,
    name_description: `disk ${index} of ${facts.key}, managed by converge`,
    SR: sr.ref,
    virtual_size: String(size),
    type: 'user',
    sharable: false,
    read_only: false,
    other_config: { [MARK.key]: facts.key, [MARK.owner]: actor.owner, [MARK.disk]: String(index) },
    xenstore_data: {},
    sm_config: {},
    tags: [],
  };
  const vdi = await task(actor, 'VDI.create', `disk ${index} of ${facts.key} in SR ${sr.nameLabel}`, [record]);
  await attach(actor, facts, vdi, state);
}

async function attach(actor: Actor, facts: VmFacts, vdi: string, state: PowerTrack): Promise<void> {
  const record = {
    VM: facts.vm.ref,
    VDI: vdi,
    userdevice: 'autodetect',
    bootable: false,
    mode: 'RW',
    type: 'Disk',
    unpluggable: true,
    empty: false,
    other_config: {},
    qos_algorithm_type: '',
    qos_algorithm_params: {},
  };
  const vbd = String(await once(actor, 'VBD.create', `vdi ${vdi} on vm ${facts.vm.uuid}`, [record]));
  if (state.power === 'Running') await repeat(actor, 'VBD.plug', `vbd ${vbd}`, [vbd], ['DEVICE_ALREADY_ATTACHED']);
}

async function grow(actor: Actor, disk: DiskFact, size: number, state: PowerTrack): Promise<void> {
  const vbd = disk.vbd;
  const plugged = state.power === 'Running' && vbd !== undefined;
  if (plugged) await repeat(actor, 'VBD.unplug', `vbd ${vbd.ref}`, [vbd.ref], ['DEVICE_ALREADY_DETACHED']);
  await repeat(actor, 'VDI.resize', `vdi ${disk.vdi.uuid} to ${size}`, [disk.vdi.ref, String(size)]);
  if (plugged) await repeat(actor, 'VBD.plug', `vbd ${vbd.ref}`, [vbd.ref], ['DEVICE_ALREADY_ATTACHED']);
}

async function removeDisk(actor: Actor, disk: DiskFact, state: PowerTrack): Promise<void> {
  if (disk.vbd?.attached && state.power === 'Running') {
    await repeat(actor, 'VBD.unplug', `vbd ${disk.vbd.ref}`, [disk.vbd.ref], ['DEVICE_ALREADY_DETACHED', 'HANDLE_INVALID']);
  }
  await repeat(actor, 'VDI.destroy', `vdi ${disk.vdi.uuid}`, [disk.vdi.ref], ['HANDLE_INVALID']);
}
