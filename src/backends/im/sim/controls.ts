/**
 * The test-only views of the model: `dump` (everything, by infrastructure) and `forceVmState`
 * (drift and failures on demand). Served as `converge.sim.im.*` control methods, never as IM
 * API methods.
 */
import { setNow } from './contextualization.js';
import { vmState } from './model/states.js';
import type { ImStore } from './model/store.js';
import { VM_STATES, type VmState } from './model/types.js';
import { isRemoved } from './model/vm-visibility.js';
import { getFeature, getValue } from './radl/feature-set.js';
import { printRadl } from './radl/printer.js';
import { baseNumber } from './radl/units.js';

export interface ImSimDump {
  infrastructures: Array<{
    id: string;
    owners: string[];
    destroyed: boolean;
    radl: string;
    vms: Array<{ id: number; system: string; state: string; cpuCount: number; memoryBytes: number; deleted: boolean }>;
  }>;
}

export function dumpModel(store: ImStore): ImSimDump {
  const now = store.now();
  return {
    infrastructures: store.state.infrastructures.map((inf) => {
      const gone = store.isGone(inf);
      return {
        id: inf.id,
        owners: inf.owners.map((o) => o.username),
        destroyed: gone,
        radl: printRadl(inf.radl),
        vms: inf.vms.map((vm) => {
          const set = vm.info.systems[0]?.set ?? { entries: [] };
          const cpu = getValue(set, 'cpu.count');
          const memory = getFeature(set, 'memory.size');
          const deleted = isRemoved(vm, now) || gone;
          return {
            id: vm.imId,
            system: vm.info.systems[0]?.id ?? '',
            state: deleted ? 'off' : vmState(store, inf, vm),
            cpuCount: typeof cpu === 'number' ? cpu : 0,
            memoryBytes: memory ? baseNumber(memory) : 0,
            deleted,
          };
        }),
      };
    }),
  };
}

/**
 * forceVmState sets what the cloud reports for a VM. `failed` sticks until the VM is removed;
 * `running`, `configured` and `unconfigured` also set the contextualization outcome.
 */
export function forceVmState(store: ImStore, infId: string, vmId: number, state: string): void {
  const inf = store.record(infId);
  if (!inf) throw new Error(`no infrastructure ${infId}`);
  const vm = inf.vms[vmId];
  if (!vm) throw new Error(`no VM ${vmId} in infrastructure ${infId}`);
  if (!VM_STATES.includes(state as VmState)) throw new Error(`invalid VM state '${state}'; expected one of ${VM_STATES.join(', ')}`);
  const now = store.now();
  vm.failed = state === 'failed';
  if (state === 'failed') {
    store.touch();
    return;
  }
  if (state === 'running' || state === 'configured' || state === 'unconfigured') {
    vm.cloudState = 'running';
    vm.configured = setNow(vm.configured, now, state === 'running' ? null : state === 'configured');
  } else {
    vm.cloudState = state as Exclude<VmState, 'configured' | 'unconfigured' | 'failed'>;
  }
  store.touch();
}
