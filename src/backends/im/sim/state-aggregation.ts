/**
 * How IM turns cloud states into VM states and VM states into an infrastructure state
 * (VirtualMachine.update_status, InfrastructureInfo's state pass), as pure functions.
 */
import type { CloudState, VmState } from './model/types.js';

/**
 * refineVmState: a running VM is `running` while its contextualization is pending, then
 * `configured` or `unconfigured`; any VM reads `unconfigured` once the infrastructure-level
 * contextualization has failed. Other cloud states pass through.
 */
export function refineVmState(cloud: CloudState, vmConfigured: boolean | null, infConfigured: boolean | null): VmState {
  if (cloud !== 'running') return cloud;
  if (infConfigured === false) return 'unconfigured';
  if (vmConfigured === null) return 'running';
  return vmConfigured ? 'configured' : 'unconfigured';
}

/**
 * aggregateState is IM's single, order-dependent pass over the VMs in id order: `failed` and
 * `unknown` stop the pass; `pending` always wins over `running`; `stopped`, `off` and
 * `configured` only fill an empty result; `unconfigured` overrides an empty or `configured`
 * result. With nothing set: a failed infrastructure-level contextualization gives `failed`, no
 * VMs and no outcome yet `pending`, anything else `unknown`.
 */
export function aggregateState(states: readonly VmState[], infConfigured: boolean | null): VmState {
  let result: VmState | null = null;
  for (const state of states) {
    if (state === 'failed' || state === 'unknown') return state;
    if (state === 'pending') result = 'pending';
    else if (state === 'running') {
      if (result !== 'pending') result = 'running';
    } else if (state === 'stopped' || state === 'off' || state === 'configured') {
      if (result === null) result = state;
    } else if (state === 'unconfigured') {
      if (result === null || result === 'configured') result = 'unconfigured';
    }
  }
  if (result !== null) return result;
  if (infConfigured === false) return 'failed';
  if (states.length === 0 && infConfigured === null) return 'pending';
  return 'unknown';
}
