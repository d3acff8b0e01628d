/**
 * The power-state transitions (xenapi.md §4): each call runs the operation check, then applies
 * xapi's side effects — power_state, resident_on, domid, device attachment, VM_metrics, guest
 * metrics and the suspend image. `task` is the Async task running the call, whose own
 * current_operations entry must not count as a conflict.
 */
import type { SimContext } from '../dispatch/context.js';
import { NULL_REF, handleInvalid } from '../wire/errors.js';
import { assertBootable } from './boot-checks.js';
import { assertVmOperation } from './check-operation.js';
import { attachDevices, detachDevices } from './devices.js';
import { clearGuest, reportGuest } from './guest-agent.js';
import type { VmOperation } from './operations.js';
import { createSuspendImage, dropSuspendImage } from './suspend-image.js';

/** nextDomid: domids only grow, as on a real host (xapi never reuses one while the host is up). */
function nextDomid(ctx: SimContext): number {
  return ctx.domids.next();
}

/** bringUp builds a domain for the VM: running (or paused), devices attached, metrics set. */
function bringUp(ctx: SimContext, ref: string, paused: boolean, host: string): void {
  const vm = ctx.store.require('VM', ref);
  ctx.store.update('VM', ref, { power_state: paused ? 'Paused' : 'Running', resident_on: host, domid: nextDomid(ctx) });
  attachDevices(ctx, ref);
  const metrics = String(vm.metrics);
  if (ctx.store.get('VM_metrics', metrics)) {
    const hvm = vm.domain_type === 'hvm' || (vm.domain_type === 'unspecified' && vm.HVM_boot_policy !== '');
    ctx.store.update('VM_metrics', metrics, {
      start_time: ctx.now(),
      last_updated: ctx.now(),
      memory_actual: Number(vm.memory_dynamic_max),
      VCPUs_number: Number(vm.VCPUs_at_startup),
      VCPUs_CPU: Object.fromEntries(Array.from({ length: Number(vm.VCPUs_at_startup) }, (_, i) => [String(i), String(i)])),
      hvm,
      current_domain_type: hvm ? 'hvm' : 'pv',
      state: [],
    });
  }
  reportGuest(ctx, ref);
}

/** bringDown destroys the domain: halted (or suspended), devices detached, guest metrics gone. */
function bringDown(ctx: SimContext, ref: string, state: 'Halted' | 'Suspended'): void {
  ctx.store.update('VM', ref, { power_state: state, resident_on: NULL_REF, domid: -1 });
  detachDevices(ctx, ref);
  const metrics = String(ctx.store.require('VM', ref).metrics);
  if (ctx.store.get('VM_metrics', metrics)) ctx.store.update('VM_metrics', metrics, { memory_actual: 0, VCPUs_CPU: {}, last_updated: ctx.now() });
  if (state === 'Halted') clearGuest(ctx, ref);
}

export function startVm(ctx: SimContext, ref: string, paused: boolean, task?: string, host?: string): void {
  const op: VmOperation = host === undefined ? 'start' : 'start_on';
  if (host !== undefined && !ctx.store.get('host', host)) throw handleInvalid('host', host);
  const vm = assertVmOperation(ctx, ref, op, task);
  bringUp(ctx, ref, paused, assertBootable(ctx, ref, vm, host));
}

export function cleanShutdownVm(ctx: SimContext, ref: string, task?: string): void {
  assertVmOperation(ctx, ref, 'clean_shutdown', task);
  bringDown(ctx, ref, 'Halted');
}

export function hardShutdownVm(ctx: SimContext, ref: string, task?: string): void {
  const vm = assertVmOperation(ctx, ref, 'hard_shutdown', task);
  if (vm.power_state === 'Suspended') dropSuspendImage(ctx, ref);
  bringDown(ctx, ref, 'Halted');
}

/** shutdownVm is clean when the guest can do it, hard otherwise; both end Halted. */
export function shutdownVm(ctx: SimContext, ref: string, task?: string): void {
  const vm = assertVmOperation(ctx, ref, 'shutdown', task);
  if (vm.power_state === 'Suspended') dropSuspendImage(ctx, ref);
  bringDown(ctx, ref, 'Halted');
}

export function rebootVm(ctx: SimContext, ref: string, clean: boolean, task?: string): void {
  assertVmOperation(ctx, ref, clean ? 'clean_reboot' : 'hard_reboot', task);
  ctx.store.update('VM', ref, { power_state: 'Running', domid: nextDomid(ctx) });
  reportGuest(ctx, ref);
}

export function suspendVm(ctx: SimContext, ref: string, task?: string): void {
  assertVmOperation(ctx, ref, 'suspend', task);
  const image = createSuspendImage(ctx, ref);
  bringDown(ctx, ref, 'Suspended');
  ctx.store.update('VM', ref, { suspend_VDI: image });
}

export function resumeVm(ctx: SimContext, ref: string, paused: boolean, task?: string, host?: string): void {
  if (host !== undefined && !ctx.store.get('host', host)) throw handleInvalid('host', host);
  const vm = assertVmOperation(ctx, ref, host === undefined ? 'resume' : 'resume_on', task);
  const target = assertBootable(ctx, ref, vm, host);
  dropSuspendImage(ctx, ref);
  bringUp(ctx, ref, paused, target);
}

export function pauseVm(ctx: SimContext, ref: string, pause: boolean, task?: string): void {
  assertVmOperation(ctx, ref, pause ? 'pause' : 'unpause', task);
  ctx.store.update('VM', ref, { power_state: pause ? 'Paused' : 'Running' });
}

/** powerStateResetVm forces the record to Halted whatever the state (any power state allowed). */
export function powerStateResetVm(ctx: SimContext, ref: string, task?: string): void {
  assertVmOperation(ctx, ref, 'power_state_reset', task);
  dropSuspendImage(ctx, ref);
  bringDown(ctx, ref, 'Halted');
}

export function poolMigrateVm(ctx: SimContext, ref: string, host: string, task?: string): void {
  if (!ctx.store.get('host', host)) throw handleInvalid('host', host);
  assertVmOperation(ctx, ref, 'pool_migrate', task);
  ctx.store.update('VM', ref, { resident_on: host });
}
