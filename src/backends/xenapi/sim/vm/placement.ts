/**
 * Where a VM starts (xenapi.md §4, xapi's `Xapi_vm_helpers.choose_host_for_vm` without WLB):
 * - `start_on` / `resume_on` name the host, which must pass every check below;
 * - otherwise the VM's affinity host when it passes the checks; else, among the hosts that pass,
 *   the one with the most free memory (xapi chooses at random biased towards free memory; the
 *   simulator takes the limit of that rule so runs are deterministic — never a host xapi would
 *   refuse);
 * - a one-host pool answers the host's own error (HOST_NOT_ENOUGH_FREE_MEMORY [needed, free],
 *   VM_REQUIRES_SR …); a larger pool where no host passes answers `NO_HOSTS_AVAILABLE []`.
 * The checks per host: the host is enabled, every disk's SR has a plugged PBD on that host,
 * every network with PIFs has one on that host (a network without PIFs is host-internal and
 * everywhere), and static_max + overhead fits the host's free memory.
 */
import type { SimContext } from '../dispatch/context.js';
import type { Row } from '../schema/types.js';
import { XenApiError } from '../wire/errors.js';

/** hostFreeMemory is the host's total memory less its own overhead and what resident domains hold. */
export function hostFreeMemory(ctx: SimContext, host: string): number {
  const row = ctx.store.require('host', host);
  const total = Number(ctx.store.get('host_metrics', String(row.metrics))?.memory_total ?? 0);
  return Math.max(0, total - Number(row.memory_overhead) - ctx.hostMemory.used(host));
}

/** placeVm returns the host the VM starts on, or throws the error xapi gives. */
export function placeVm(ctx: SimContext, ref: string, vm: Readonly<Row>, requested?: string): string {
  if (requested !== undefined) return throwIf(hostRefusal(ctx, ref, vm, requested), requested);
  const hosts = ctx.store.refs('host');
  if (hosts.length === 1) return throwIf(hostRefusal(ctx, ref, vm, hosts[0]!), hosts[0]!);
  const affinity = String(vm.affinity);
  if (ctx.store.get('host', affinity) && !hostRefusal(ctx, ref, vm, affinity)) return affinity;
  let best: { host: string; free: number } | undefined;
  for (const host of hosts) {
    if (hostRefusal(ctx, ref, vm, host)) continue;
    const free = hostFreeMemory(ctx, host);
    if (!best || free > best.free) best = { host, free };
  }
  if (!best) throw new XenApiError('NO_HOSTS_AVAILABLE', []);
  return best.host;
}

function throwIf(error: XenApiError | undefined, host: string): string {
  if (error) throw error;
  return host;
}

/** hostRefusal is why `host` cannot run the VM now, or undefined when it can. */
export function hostRefusal(ctx: SimContext, ref: string, vm: Readonly<Row>, host: string): XenApiError | undefined {
  if (ctx.store.require('host', host).enabled !== true) return new XenApiError('HOST_DISABLED', [host]);
  const devices = deviceRefusal(ctx, ref, vm, host);
  if (devices) return devices;
  const needed = Number(vm.memory_static_max) + Number(vm.memory_overhead);
  const free = hostFreeMemory(ctx, host);
  if (needed > free) return new XenApiError('HOST_NOT_ENOUGH_FREE_MEMORY', [String(needed), String(free)]);
  return undefined;
}

function deviceRefusal(ctx: SimContext, ref: string, vm: Readonly<Row>, host: string): XenApiError | undefined {
  for (const vbd of vm.VBDs as string[]) {
    const row = ctx.store.get('VBD', vbd);
    if (!row || row.empty === true) continue;
    const vdi = ctx.store.get('VDI', String(row.VDI));
    if (!vdi) return new XenApiError('VM_REQUIRES_VDI', [ref, String(row.VDI)]);
    const pbds = (ctx.store.get('SR', String(vdi.SR))?.PBDs as string[] | undefined) ?? [];
    const plugged = pbds.some((pbd) => {
      const p = ctx.store.get('PBD', pbd);
      return p?.currently_attached === true && p.host === host;
    });
    if (!plugged) return new XenApiError('VM_REQUIRES_SR', [ref, String(vdi.SR)]);
  }
  for (const vif of vm.VIFs as string[]) {
    const network = String(ctx.store.get('VIF', vif)?.network ?? '');
    const row = ctx.store.get('network', network);
    if (!row) return new XenApiError('VM_REQUIRES_NETWORK', [ref, network]);
    const pifs = row.PIFs as string[];
    if (pifs.length > 0 && !pifs.some((pif) => ctx.store.get('PIF', pif)?.host === host)) return new XenApiError('VM_REQUIRES_NETWORK', [ref, network]);
  }
  return undefined;
}
