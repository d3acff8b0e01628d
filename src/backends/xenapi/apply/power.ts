/**
 * Power transitions (xenapi.md §4): start a halted VM, resume a suspended one, unpause a paused
 * one; stop with `clean_shutdown`, falling back to `hard_shutdown` when the guest cannot shut
 * itself down (no PV drivers or feature) or does not within the Backend's `shutdownTimeout`.
 * `state` tracks the power state as these calls change it, for the steps that follow.
 */
import { ConvergeError } from '../../../errors/converge-error.js';
import { once, task, type Actor } from './actor.js';
import { isXenCode } from '../api/errors.js';
import type { PowerState, XenVm } from '../api/records.js';

export interface PowerTrack {
  power: PowerState;
}

export async function powerOff(actor: Actor, vm: XenVm, state: PowerTrack): Promise<void> {
  const target = `vm ${vm.uuid}`;
  if (state.power === 'Running') {
    try {
      await task(actor, 'VM.clean_shutdown', target, [vm.ref], actor.lookup.options.shutdownTimeoutMs);
      state.power = 'Halted';
      return;
    } catch (error) {
      const timedOut = error instanceof ConvergeError && error.code === 'XEN_TASK_TIMEOUT';
      if (!timedOut && !isXenCode(error, 'VM_LACKS_FEATURE', 'VM_MISSING_PV_DRIVERS')) throw error;
      actor.progress(`VM ${vm.nameLabel}: ${timedOut ? 'clean shutdown timed out' : 'the guest cannot shut down cleanly'}; hard shutdown`);
    }
  }
  if (state.power !== 'Halted') await task(actor, 'VM.hard_shutdown', target, [vm.ref]);
  state.power = 'Halted';
}

export async function powerOn(actor: Actor, vm: XenVm, state: PowerTrack): Promise<void> {
  const target = `vm ${vm.uuid}`;
  if (state.power === 'Halted') await task(actor, 'VM.start', target, [vm.ref, false, false]);
  else if (state.power === 'Suspended') await task(actor, 'VM.resume', target, [vm.ref, false, false]);
  else if (state.power === 'Paused') await once(actor, 'VM.unpause', target, [vm.ref]);
  state.power = 'Running';
}
