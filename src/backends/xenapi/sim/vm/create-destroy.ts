/**
 * VM.create and VM.destroy (xenapi.md §2, §3):
 * - create validates VCPUs (`INVALID_VALUE ["VCPUs_max" | "VCPUs_at_startup", v]`) and the memory
 *   order (`MEMORY_CONSTRAINT_VIOLATION []`), adds a `mac_seed`, resolves domain_type
 *   `unspecified` from HVM_boot_policy, and gives the VM its VM_metrics. The VM starts Halted.
 * - destroy (Halted or Suspended; a default template is VM_IS_TEMPLATE) deletes the VBDs, VIFs,
 *   metrics, guest metrics and suspend image, and keeps the disks: callers must destroy VDIs.
 */
import type { SimContext } from '../dispatch/context.js';
import type { Row } from '../schema/types.js';
import { handleInvalid, NULL_REF, XenApiError } from '../wire/errors.js';
import { memoryOrderHolds, memoryOverhead, vmMemory } from './boot-checks.js';
import { assertVmOperation } from './check-operation.js';
import { clearGuest } from './guest-agent.js';
import { dropSuspendImage } from './suspend-image.js';

export function createVm(ctx: SimContext, record: Row): string {
  const max = Number(record.VCPUs_max);
  const atStartup = Number(record.VCPUs_at_startup);
  if (max < 1) throw new XenApiError('INVALID_VALUE', ['VCPUs_max', String(max)]);
  if (atStartup < 1 || atStartup > max) throw new XenApiError('INVALID_VALUE', ['VCPUs_at_startup', String(atStartup)]);
  if (!memoryOrderHolds(vmMemory(record))) throw new XenApiError('MEMORY_CONSTRAINT_VIOLATION', []);
  const affinity = String(record.affinity);
  if (affinity !== NULL_REF && !ctx.store.get('host', affinity)) throw handleInvalid('host', affinity);
  const other = { ...(record.other_config as Record<string, string>) };
  other.mac_seed ??= ctx.store.ids.uuid();
  const domainType = record.domain_type === undefined || record.domain_type === 'unspecified'
    ? (record.HVM_boot_policy === '' ? 'pv' : 'hvm')
    : record.domain_type;
  const metrics = ctx.store.create('VM_metrics', { install_time: ctx.now(), last_updated: ctx.now() });
  return ctx.store.create('VM', {
    ...record,
    power_state: 'Halted',
    other_config: other,
    domain_type: domainType,
    metrics,
    memory_overhead: memoryOverhead(record),
  });
}

export function destroyVm(ctx: SimContext, ref: string, task?: string): void {
  const vm = assertVmOperation(ctx, ref, 'destroy', task);
  dropSuspendImage(ctx, ref);
  clearGuest(ctx, ref);
  for (const vbd of [...(vm.VBDs as string[])]) if (ctx.store.get('VBD', vbd)) ctx.store.destroy('VBD', vbd);
  for (const vif of [...(vm.VIFs as string[])]) if (ctx.store.get('VIF', vif)) ctx.store.destroy('VIF', vif);
  const metrics = String(vm.metrics);
  if (ctx.store.get('VM_metrics', metrics)) ctx.store.destroy('VM_metrics', metrics);
  ctx.store.destroy('VM', ref);
}
