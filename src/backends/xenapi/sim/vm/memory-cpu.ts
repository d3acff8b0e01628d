/**
 * Memory and VCPU settings (xenapi.md §3, §4):
 * - every set_memory_* call runs its operation check (changing_memory_limits,
 *   changing_static_range or changing_dynamic_range), then requires
 *   static_min ≤ dynamic_min ≤ dynamic_max ≤ static_max (`MEMORY_CONSTRAINT_VIOLATION_ORDER []`),
 *   then, for a control domain, nested virtualisation or DMC disabled, that all but static_min
 *   are equal (`MEMORY_CONSTRAINT_VIOLATION_MAXPIN [reason]`);
 * - set_VCPUs_max (changing_VCPUs, Halted) and set_VCPUs_at_startup (no power check) keep
 *   0 < VCPUs_at_startup ≤ VCPUs_max, else `INVALID_VALUE [rule, value]`. Raising the count means
 *   max first, then at_startup; lowering means at_startup first.
 */
import type { SimContext } from '../dispatch/context.js';
import type { Row } from '../schema/types.js';
import { XenApiError } from '../wire/errors.js';
import { memoryOrderHolds, vmMemory } from './boot-checks.js';
import { assertVmOperation } from './check-operation.js';
import type { VmOperation } from './operations.js';

export type MemoryLimits = { static_min: number; dynamic_min: number; dynamic_max: number; static_max: number };

export const VCPU_RULE = 'VCPU values must satisfy: 0 < VCPUs_at_startup ≤ VCPUs_max';

function maxpinReason(ctx: SimContext, vm: Readonly<Row>): string | undefined {
  if (vm.is_control_domain === true) return 'memory_dynamic_min, memory_dynamic_max and memory_static_max must be equal for a control domain';
  const platform = vm.platform as Record<string, string>;
  if (platform['nested-virt'] === 'true' || platform['exp-nested-hvm'] === 'true') {
    return 'memory_dynamic_min, memory_dynamic_max and memory_static_max must be equal with nested virtualisation';
  }
  if (!ctx.settings.dmcEnabled) return 'memory_dynamic_min, memory_dynamic_max and memory_static_max must be equal when dynamic memory control is disabled';
  return undefined;
}

/** setMemory applies `change` to the VM's current limits under operation `op`. */
export function setMemory(ctx: SimContext, ref: string, op: VmOperation, change: Partial<MemoryLimits>, task?: string): void {
  const vm = assertVmOperation(ctx, ref, op, task);
  const next: MemoryLimits = { ...vmMemory(vm), ...change };
  if (!memoryOrderHolds(next)) throw new XenApiError('MEMORY_CONSTRAINT_VIOLATION_ORDER', []);
  const reason = maxpinReason(ctx, vm);
  if (reason && !(next.dynamic_min === next.dynamic_max && next.dynamic_max === next.static_max)) {
    throw new XenApiError('MEMORY_CONSTRAINT_VIOLATION_MAXPIN', [reason]);
  }
  ctx.store.update('VM', ref, {
    memory_static_min: next.static_min,
    memory_dynamic_min: next.dynamic_min,
    memory_dynamic_max: next.dynamic_max,
    memory_static_max: next.static_max,
    memory_target: next.dynamic_max,
  });
  const metrics = String(vm.metrics);
  if (vm.power_state === 'Running' && ctx.store.get('VM_metrics', metrics)) {
    ctx.store.update('VM_metrics', metrics, { memory_actual: next.dynamic_max });
  }
}

export function setVcpusMax(ctx: SimContext, ref: string, value: number, task?: string): void {
  const vm = assertVmOperation(ctx, ref, 'changing_VCPUs', task);
  if (value < 1 || Number(vm.VCPUs_at_startup) > value) throw new XenApiError('INVALID_VALUE', [VCPU_RULE, String(value)]);
  ctx.store.update('VM', ref, { VCPUs_max: value });
}

export function setVcpusAtStartup(ctx: SimContext, ref: string, value: number): void {
  const vm = ctx.store.require('VM', ref);
  if (value < 1 || value > Number(vm.VCPUs_max)) throw new XenApiError('INVALID_VALUE', [VCPU_RULE, String(value)]);
  ctx.store.update('VM', ref, { VCPUs_at_startup: value });
}

export function setVcpusLive(ctx: SimContext, ref: string, value: number, task?: string): void {
  const vm = assertVmOperation(ctx, ref, 'changing_VCPUs_live', task);
  if (value < 1 || value > Number(vm.VCPUs_max)) throw new XenApiError('INVALID_VALUE', [VCPU_RULE, String(value)]);
  ctx.store.update('VM', ref, { VCPUs_at_startup: value });
  const metrics = String(vm.metrics);
  if (ctx.store.get('VM_metrics', metrics)) ctx.store.update('VM_metrics', metrics, { VCPUs_number: value });
}
