/**
 * Access facts of XenAPI VMs (driver.ts AccessFacts): the addresses the guest agent reports in
 * VM_guest_metrics.networks (`<device>/ip`, `<device>/ipv4/N`, `<device>/ipv6/N`, the device being
 * the VIF's), read with one `VM_guest_metrics.get_all_records` per pass and only when asked
 * (ObserveContext.access). A VM without a guest agent, or not running, has no guest metrics and
 * so no addresses: xapi knows none either.
 */
import type { AccessAddress, ObservedObject } from '../../driver.js';
import type { XenApi } from '../api/xen-api.js';
import { NULL_REF } from '../api/records.js';
import type { Inventory } from './inventory.js';

/** readGuestNetworks reads every guest metrics record's networks map, by ref. */
export function readGuestNetworks(api: XenApi, signal: AbortSignal): Promise<Map<string, Record<string, string>>> {
  return api.guestNetworks(signal);
}

/** withAccess returns the objects with `access` set on each VM whose guest reports addresses. */
export function withAccess(objects: ObservedObject[], inv: Inventory, guest: ReadonlyMap<string, Record<string, string>>): ObservedObject[] {
  const byUuid = new Map([...inv.tables.vms.values()].map((vm) => [vm.uuid, vm]));
  return objects.map((object) => {
    const vm = object.ids.uuid === undefined ? undefined : byUuid.get(object.ids.uuid);
    if (!vm || vm.guestMetrics === NULL_REF) return object;
    const addresses = guestAddresses(guest.get(vm.guestMetrics) ?? {});
    return addresses.length > 0 ? { ...object, access: { addresses } } : object;
  });
}

/** guestAddresses turns a networks map into one address per distinct (device, ip), IPv4 first. */
export function guestAddresses(networks: Record<string, string>): AccessAddress[] {
  const seen = new Set<string>();
  const out: AccessAddress[] = [];
  const entries = Object.entries(networks)
    .map(([key, ip]) => ({ match: /^(\d+)\/(ip|ipv4\/\d+|ipv6\/\d+)$/.exec(key), ip }))
    .filter((e): e is { match: RegExpExecArray; ip: string } => e.match !== null && e.ip !== '')
    .sort((a, b) => Number(a.match[1]) - Number(b.match[1]) || Number(a.ip.includes(':')) - Number(b.ip.includes(':')));
  for (const { match, ip } of entries) {
    const of = `VIF ${match[1]}`;
    if (seen.has(`${of} ${ip}`)) continue;
    seen.add(`${of} ${ip}`);
    out.push({ of, ip });
  }
  return out;
}
