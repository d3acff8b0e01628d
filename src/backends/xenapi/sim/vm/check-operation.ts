/**
 * The VM operation check in xapi's order, where the first failure wins (xenapi.md §4):
 * 1. OPERATION_BLOCKED [vm, reason]            op listed in blocked_operations
 * 2. VM_BAD_POWER_STATE [vm, expected, actual] lowercase, expected joined with ", "
 * 3. OTHER_OPERATION_IN_PROGRESS ["VM", vm, op, task]
 * 4. VM_IS_TEMPLATE [vm, op]                   templates (not snapshots) allow a few ops only
 * 5. VM_IS_SNAPSHOT [vm, op]
 * 6. ONLY_PROVISION_TEMPLATE [], then dom0's OPERATION_NOT_ALLOWED
 * 7. VM_LACKS_FEATURE [vm]                     HVM guest without the agent's feature flag
 */
import type { SimContext } from '../dispatch/context.js';
import type { Row } from '../schema/types.js';
import { NULL_REF, XenApiError } from '../wire/errors.js';
import {
  allowedPowerStates,
  compatibleOperations,
  DOM0_OPS,
  LACKS_FEATURE_OPS,
  SNAPSHOT_OPS,
  templateAllows,
  type PowerState,
  type VmOperation,
} from './operations.js';

/** Refusal is a failed check as data: `[code, params]`, made into a XenApiError only when thrown or
 * returned (allowed_operations asks about every operation of every changed VM, and an Error's
 * stack trace is what made that cost most of the simulator's time). */
export type Refusal = readonly [code: string, params: string[]];

export function vmOperationError(ctx: SimContext, ref: string, op: VmOperation, ownTask?: string): XenApiError | undefined {
  const refusal = vmOperationRefusal(ctx, ref, op, ownTask);
  return refusal && new XenApiError(refusal[0], refusal[1]);
}

/** vmOperationRefusal is vmOperationError without building the error. */
export function vmOperationRefusal(ctx: SimContext, ref: string, op: VmOperation, ownTask?: string): Refusal | undefined {
  const vm = ctx.store.require('VM', ref);
  const blocked = (vm.blocked_operations as Record<string, string>)[op];
  if (blocked !== undefined) return ['OPERATION_BLOCKED', [ref, blocked]];
  const state = vm.power_state as PowerState;
  const allowed = allowedPowerStates(op, {
    isControlDomain: vm.is_control_domain === true,
    isSnapshot: vm.is_a_snapshot === true,
    allowCloneSuspended: 'allow_clone_suspended_vm' in (ctx.store.require('pool', ctx.poolRef()).other_config as object),
  });
  if (!allowed.includes(state)) {
    return ['VM_BAD_POWER_STATE', [ref, allowed.map((s) => s.toLowerCase()).join(', '), state.toLowerCase()]];
  }
  for (const [task, running] of Object.entries(vm.current_operations as Record<string, string>)) {
    if (task !== ownTask && !compatibleOperations(op, running)) return ['OTHER_OPERATION_IN_PROGRESS', ['VM', ref, running, task]];
  }
  return kindRefusal(ctx, ref, vm, op);
}

function kindRefusal(ctx: SimContext, ref: string, vm: Readonly<Row>, op: VmOperation): Refusal | undefined {
  if (vm.is_a_template === true && vm.is_a_snapshot !== true && !templateAllows(op, vm.is_default_template === true)) {
    return ['VM_IS_TEMPLATE', [ref, op]];
  }
  if (vm.is_a_snapshot === true && !SNAPSHOT_OPS.has(op)) return ['VM_IS_SNAPSHOT', [ref, op]];
  if (op === 'provision' && vm.is_a_template !== true) return ['ONLY_PROVISION_TEMPLATE', []];
  if (vm.is_control_domain === true && !DOM0_OPS.has(op)) return ['OPERATION_NOT_ALLOWED', ['This operation is not allowed on dom0']];
  const feature = LACKS_FEATURE_OPS[op];
  if (feature && lacksFeature(ctx, vm, feature)) return ['VM_LACKS_FEATURE', [ref]];
  return undefined;
}

/** assertVmOperation throws the first failing check and returns the VM row. */
export function assertVmOperation(ctx: SimContext, ref: string, op: VmOperation, ownTask?: string): Readonly<Row> {
  const error = vmOperationError(ctx, ref, op, ownTask);
  if (error) throw error;
  return ctx.store.require('VM', ref);
}

/** isHvm: the guest is HVM (domain_type, or the legacy HVM_boot_policy when unspecified). */
export function isHvm(vm: Readonly<Row>): boolean {
  if (vm.domain_type === 'hvm') return true;
  return vm.domain_type === 'unspecified' && vm.HVM_boot_policy !== '';
}

/** lacksFeature: an HVM guest whose agent does not advertise `feature`. PV guests never lack one. */
export function lacksFeature(ctx: SimContext, vm: Readonly<Row>, feature: string): boolean {
  if (!isHvm(vm)) return false;
  const gm = vm.guest_metrics as string;
  const metrics = gm === NULL_REF ? undefined : ctx.store.get('VM_guest_metrics', gm);
  return (metrics?.other as Record<string, string> | undefined)?.[feature] !== '1';
}

/** hasPvDrivers: a guest agent reports (needed for HVM hotplug). */
export function hasPvDrivers(ctx: SimContext, vm: Readonly<Row>): boolean {
  if (!isHvm(vm)) return true;
  const gm = ctx.store.get('VM_guest_metrics', vm.guest_metrics as string);
  return gm?.PV_drivers_detected === true;
}
