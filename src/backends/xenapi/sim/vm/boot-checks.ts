/**
 * What xapi verifies before it builds a domain (start, resume): VCPU counts, the memory order,
 * then where it runs: free host memory, reachable disks and networks (placement.ts; xenapi.md §4).
 */
import type { SimContext } from '../dispatch/context.js';
import type { Row } from '../schema/types.js';
import { XenApiError } from '../wire/errors.js';
import { placeVm } from './placement.js';

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

/**
 * assertBootable runs the host-independent checks, then places the VM (placement.ts) and returns
 * the host it may start on; `requested` is the host of start_on / resume_on.
 */
export function assertBootable(ctx: SimContext, ref: string, vm: Readonly<Row>, requested?: string): string {
  const atStartup = Number(vm.VCPUs_at_startup);
  if (atStartup < 1 || Number(vm.VCPUs_max) < 1) throw new XenApiError('VM_NO_VCPUS', [ref]);
  if (atStartup > Number(vm.VCPUs_max)) {
    throw new XenApiError('VALUE_NOT_SUPPORTED', ['VCPUs_at_startup', String(atStartup), 'value greater than VCPUs_max']);
  }
  if (!memoryOrderHolds(vmMemory(vm))) throw new XenApiError('MEMORY_CONSTRAINT_VIOLATION', []);
  return placeVm(ctx, ref, vm, requested);
}

/** memoryOverhead approximates xapi's per-domain overhead: shadow memory plus a per-VCPU share. */
export function memoryOverhead(vm: Readonly<Row>): number {
  const mib = 1024 * 1024;
  const shadow = Math.ceil(Number(vm.memory_static_max) / 128 / mib) * mib;
  return shadow + Number(vm.VCPUs_max) * mib;
}
