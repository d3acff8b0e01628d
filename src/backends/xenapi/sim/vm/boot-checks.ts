/**
 * What xapi verifies before it builds a domain (start, resume): VCPU counts, the memory order,
 * free host memory, reachable disks and networks (xenapi.md §4 "Value and validation errors").
 */
import type { SimContext } from '../dispatch/context.js';
import type { Row } from '../schema/types.js';
import { XenApiError } from '../wire/errors.js';

export function memoryOrderHolds(m: { static_min: number; dynamic_min: number; dynamic_max: number; static_max: number }): boolean {
  return m.static_min <= m.dynamic_min && m.dynamic_min <= m.dynamic_max && m.dynamic_max <= m.static_max;
}

export function vmMemory(vm: Readonly<Row>): { static_min: number; dynamic_min: number; dynamic_max: number; static_max: number } {
  return {
    static_min: Number(vm.memory_static_min),
    dynamic_min: Number(vm.memory_dynamic_min),
    dynamic_max: Number(vm.memory_dynamic_max),
    static_max: Number(vm.memory_static_max),
  };
}

export function assertBootable(ctx: SimContext, ref: string, vm: Readonly<Row>): void {
  const atStartup = Number(vm.VCPUs_at_startup);
  if (atStartup < 1 || Number(vm.VCPUs_max) < 1) throw new XenApiError('VM_NO_VCPUS', [ref]);
  if (atStartup > Number(vm.VCPUs_max)) {
    throw new XenApiError('VALUE_NOT_SUPPORTED', ['VCPUs_at_startup', String(atStartup), 'value greater than VCPUs_max']);
  }
  if (!memoryOrderHolds(vmMemory(vm))) throw new XenApiError('MEMORY_CONSTRAINT_VIOLATION', []);
  assertDevicesReachable(ctx, ref, vm);
  const needed = Number(vm.memory_static_max) + Number(vm.memory_overhead);
  const free = hostFreeMemory(ctx);
  if (needed > free) throw new XenApiError('HOST_NOT_ENOUGH_FREE_MEMORY', [String(needed), String(free)]);
}

function assertDevicesReachable(ctx: SimContext, ref: string, vm: Readonly<Row>): void {
  for (const vbd of vm.VBDs as string[]) {
    const row = ctx.store.get('VBD', vbd);
    if (!row || row.empty === true) continue;
    const vdi = ctx.store.get('VDI', String(row.VDI));
    if (!vdi) throw new XenApiError('VM_REQUIRES_VDI', [ref, String(row.VDI)]);
    const plugged = (ctx.store.get('SR', String(vdi.SR))?.PBDs as string[] | undefined)?.some(
      (pbd) => ctx.store.get('PBD', pbd)?.currently_attached === true,
    );
    if (!plugged) throw new XenApiError('VM_REQUIRES_SR', [ref, String(vdi.SR)]);
  }
  for (const vif of vm.VIFs as string[]) {
    const network = String(ctx.store.get('VIF', vif)?.network ?? '');
    if (!ctx.store.get('network', network)) throw new XenApiError('VM_REQUIRES_NETWORK', [ref, network]);
  }
}

/** hostFreeMemory is the host's total memory less what resident domains hold. */
export function hostFreeMemory(ctx: SimContext): number {
  const host = ctx.store.require('host', ctx.hostRef());
  const total = Number(ctx.store.get('host_metrics', String(host.metrics))?.memory_total ?? 0);
  let used = Number(host.memory_overhead);
  for (const vmRef of host.resident_VMs as string[]) {
    const vm = ctx.store.get('VM', vmRef);
    if (vm) used += Number(vm.memory_static_max) + Number(vm.memory_overhead);
  }
  return Math.max(0, total - used);
}

/** memoryOverhead approximates xapi's per-domain overhead: shadow memory plus a per-VCPU share. */
export function memoryOverhead(vm: Readonly<Row>): number {
  const mib = 1024 * 1024;
  const shadow = Math.ceil(Number(vm.memory_static_max) / 128 / mib) * mib;
  return shadow + Number(vm.VCPUs_max) * mib;
}
