/** The states clients read, computed from the stored timelines at the current virtual time. */
import { aggregateState, refineVmState } from '../state-aggregation.js';
import type { ImStore } from './store.js';
import { valueAt } from './timeline.js';
import type { InfraRecord, VmRecord, VmState } from './types.js';
import { isBeingRemoved, isLaunched } from './vm-visibility.js';

export function infraConfigured(store: ImStore, inf: InfraRecord): boolean | null {
  return valueAt(inf.configured, store.now(), null);
}

/** vmState: `pending` until launched, `deleting` while a RemoveResource takes it, else refined. */
export function vmState(store: ImStore, inf: InfraRecord, vm: VmRecord): VmState {
  if (store.isDeleting(inf)) return 'deleting';
  const now = store.now();
  if (!isLaunched(vm, now)) return 'pending';
  if (isBeingRemoved(vm, now)) return 'deleting';
  if (vm.failed) return 'failed';
  return refineVmState(vm.cloudState, valueAt(vm.configured, store.now(), null), infraConfigured(store, inf));
}

/** infraState is GetInfrastructureState's answer: the aggregate and each live VM's state. */
export function infraState(store: ImStore, inf: InfraRecord): { state: VmState; vmStates: Array<[number, VmState]> } {
  const vmStates = store.liveVms(inf).map((vm): [number, VmState] => [vm.imId, vmState(store, inf, vm)]);
  if (store.isDeleting(inf)) return { state: 'deleting', vmStates };
  return { state: aggregateState(vmStates.map(([, s]) => s), infraConfigured(store, inf)), vmStates };
}
