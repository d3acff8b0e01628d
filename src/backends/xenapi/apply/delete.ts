/**
 * Deleting converge's XenAPI objects; deleting what is already gone succeeds.
 * - A VM: hard shutdown if it is not halted, then its disks, then `VM.destroy`. VM.destroy keeps
 *   disks (xenapi.md §3), so converge destroys those it created (marked) and those
 *   `VM.provision` made for it (VBD other_config `owner`) — before the VM, so that a run cut
 *   short in between still finds the VM, and with it the rest of the work, next time. The VM is
 *   first marked `converge.deleting`, so that such a half-deleted VM (perhaps without its system
 *   disk) is finished off next time and never adopted again for its key.
 * - A network converge created, once no VIF uses it; an existing network used as-is: never.
 * - A loose converge-marked disk (its VM is gone): `VDI.destroy`.
 */
import { ConvergeError } from '../../../errors/converge-error.js';
import type { ApplyResult, ObservedObject } from '../../driver.js';
import { repeat, task, type Actor } from './actor.js';
import { isXenCode } from '../api/errors.js';
import type { VmFacts } from '../observe/vm-facts.js';
import type { XenDetail } from '../observe/observe.js';

export async function deleteObject(actor: Actor, observed: ObservedObject): Promise<ApplyResult> {
  const detail = observed.detail as XenDetail | undefined;
  if (!detail) throw new ConvergeError('TERMINAL', 'XEN_NO_DETAIL', `${observed.key}: nothing known to delete it by`);
  switch (detail.kind) {
    case 'vm':
      await deleteVm(actor, detail.facts);
      return {};
    case 'network':
      if (detail.external) return { message: 'an existing network used as-is: left alone' };
      await deleteNetwork(actor, detail.ref, observed.key);
      return {};
    case 'vdi':
      await repeat(actor, 'VDI.destroy', `vdi ${observed.ids.uuid}`, [detail.ref], ['HANDLE_INVALID']);
      return {};
  }
}

async function deleteVm(actor: Actor, facts: VmFacts): Promise<void> {
  const { vm } = facts;
  if (vm.otherConfig['converge.deleting'] !== 'true') {
    await repeat(actor, 'VM.add_to_other_config', `vm ${vm.uuid} deleting`, [vm.ref, 'converge.deleting', 'true'], ['MAP_DUPLICATE_KEY', 'HANDLE_INVALID']);
  }
  if (vm.powerState !== 'Halted') {
    await task(actor, 'VM.hard_shutdown', `vm ${vm.uuid}`, [vm.ref]).catch((error: unknown) => {
      if (!isXenCode(error, 'VM_BAD_POWER_STATE', 'HANDLE_INVALID')) throw error;
    });
  }
  for (const vdi of facts.ownedVdis) await repeat(actor, 'VDI.destroy', `vdi ${vdi} of vm ${vm.uuid}`, [vdi], ['HANDLE_INVALID']);
  await repeat(actor, 'VM.destroy', `vm ${vm.uuid}`, [vm.ref], ['HANDLE_INVALID']);
}

async function deleteNetwork(actor: Actor, ref: string, key: string): Promise<void> {
  let vifs: string[];
  try {
    vifs = await actor.api.networkVifs(ref, actor.signal);
  } catch (error) {
    if (isXenCode(error, 'HANDLE_INVALID')) return;
    throw error;
  }
  if (vifs.length > 0) {
    throw new ConvergeError('CONFLICT', 'XEN_NETWORK_IN_USE', `${key}: ${vifs.length} VIF(s) still use the network (VMs converge does not manage?); it is kept until they go`);
  }
  await repeat(actor, 'network.destroy', `network ${key}`, [ref], ['HANDLE_INVALID']);
}
