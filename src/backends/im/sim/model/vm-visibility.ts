/**
 * When a VM can be seen, at a virtual instant. A VM of a running create or AddResource is first
 * listed (GetInfrastructureInfo, vm_states: `pending`), then launched (VM calls work); a VM of a
 * running RemoveResource reads `deleting` until it is removed. Records from before changes took
 * time carry neither listedAt nor removedAt and are listed at launch and removed at once.
 */
import type { VmRecord } from './types.js';

export function isLaunched(vm: VmRecord, at: number): boolean {
  return vm.launchedAt <= at;
}

export function isRemoved(vm: VmRecord, at: number): boolean {
  return vm.destroyed && (vm.removedAt ?? Number.NEGATIVE_INFINITY) <= at;
}

/** isBeingRemoved: a RemoveResource took it but has not finished with it yet. */
export function isBeingRemoved(vm: VmRecord, at: number): boolean {
  return vm.destroyed && !vm.ghost && !isRemoved(vm, at);
}

/** isListed: shown by GetInfrastructureInfo and vm_states (ghosts of a corrupted list included). */
export function isListed(vm: VmRecord, at: number): boolean {
  return (vm.listedAt ?? vm.launchedAt) <= at && (vm.ghost === true || !isRemoved(vm, at));
}
