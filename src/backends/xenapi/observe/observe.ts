/**
 * Observing XenAPI in batches (DESIGN §3): five list calls per pass whatever the number of VMs —
 * `VM.get_all_records_where` (guest VMs and templates: xapi's filter compares whole stored
 * values, so the `other_config` marker itself is matched client-side), and `get_all_records` of
 * VBD, VDI, VIF and network. From them:
 * - our VMs (marker naming our owner); two VMs with one key are both reported under it, and the
 *   engine keeps the one state records (the other is surplus); the first seen claims the key's
 *   loose disks;
 * - our networks likewise, and declared networks that already existed (used as-is, `external`:
 *   never deleted, only forgotten), found by name for the desired objects and state's records;
 * - converge-marked disks whose VM is gone, as `<key>#vdi-<uuid>`, so they are deleted rather
 *   than leaked (VM.destroy keeps disks).
 * Output lists VMs first, then loose disks, then networks: dependents before what they depend on.
 */
import type { ObjectRecord } from '../../../state/types.js';
import type { DesiredObject, ObservedObject } from '../../driver.js';
import type { XenApi } from '../api/xen-api.js';
import { GUEST_VMS } from '../api/xen-api.js';
import { factsFromInventory, observedVmSpec, type VmFacts } from './vm-facts.js';
import { Inventory, MARK } from './inventory.js';
import { parseNetwork, parseVbd, parseVdi, parseVif, parseVm, type XenNetwork } from '../api/records.js';
import { readRecords } from './record-reads.js';
import type { XenOptions } from '../xen-options.js';
import { networkKey, parseKey } from '../xen-spec.js';

/** XenDetail is the driver-private part of an observed object. */
export type XenDetail =
  | { kind: 'vm'; facts: VmFacts; duplicate: boolean }
  | { kind: 'network'; ref: string; external: boolean }
  | { kind: 'vdi'; ref: string };

/**
 * readInventory makes the five list calls at once. They are not atomic together, but sent
 * together they reach the server back to back, so a change made by another client rarely falls
 * between them. Read one after another (tried for memory: one reply held at a time), a VM halted
 * out of band was seen still running with its VIFs already unplugged, a false interface drift
 * (test/controller/watch-drift.test.ts). Each reply is decoded with a projection (record-reads.ts).
 */
export async function readInventory(api: XenApi, owner: string, options: XenOptions, signal: AbortSignal): Promise<Inventory> {
  const [vms, vbds, vdis, vifs, networks] = await Promise.all([
    readRecords(api, 'VM.get_all_records_where', [GUEST_VMS], parseVm, signal),
    readRecords(api, 'VBD.get_all_records', [], parseVbd, signal),
    readRecords(api, 'VDI.get_all_records', [], parseVdi, signal),
    readRecords(api, 'VIF.get_all_records', [], parseVif, signal),
    readRecords(api, 'network.get_all_records', [], parseNetwork, signal),
  ]);
  return new Inventory({ vms, vbds, vdis, vifs, networks }, owner, options.networks);
}

export function observeInventory(inv: Inventory, backend: string, records: readonly ObjectRecord[], desired: readonly DesiredObject[]): ObservedObject[] {
  const vms = observeVms(inv, backend);
  const vmKeys = new Set(inv.ourVms().map((vm) => inv.keyOf(vm.otherConfig)));
  const networks = observeNetworks(inv, backend);
  const seen = new Set(networks.map((n) => n.key));
  const wanted = [...desired.map((d) => d.key), ...records.filter((r) => r.ids.external === 'true').map((r) => r.key)];
  const existing = [...new Set(wanted)].filter((key) => !seen.has(key)).flatMap((key) => existingNetwork(inv, backend, key));
  const own = [...vms, ...observeLooseVdis(inv, backend, vmKeys), ...networks, ...existing];
  const ownKeys = new Set(own.map((o) => o.key));
  return [...own, ...otherOwners(inv, backend, desired.map((d) => d.key).filter((key) => !ownKeys.has(key)))];
}

/** otherOwners reports VMs and networks marked with a desired key by another owner (another state). */
function otherOwners(inv: Inventory, backend: string, keys: readonly string[]): ObservedObject[] {
  if (keys.length === 0) return [];
  const wanted = new Set(keys);
  const records = [...inv.tables.vms.values(), ...inv.tables.networks.values()];
  return records
    .filter((r) => wanted.has(r.otherConfig[MARK.key] ?? '') && r.otherConfig[MARK.owner] !== undefined && r.otherConfig[MARK.owner] !== inv.owner)
    .map((r) => ({
      key: r.otherConfig[MARK.key]!,
      kind: 'Infrastructure' as const,
      backend,
      ids: { uuid: r.uuid },
      spec: {},
      status: { phase: 'ready' as const },
      foreignOwner: r.otherConfig[MARK.owner]!,
    }));
}

function observeVms(inv: Inventory, backend: string): ObservedObject[] {
  const seen = new Set<string>();
  // A VM marked `converge.deleting` was being deleted when a run stopped (its disks may be gone):
  // it is finished off, never adopted again; its key gets a fresh VM.
  const vms = inv.ourVms().sort((a, b) => Number(isDeleting(a)) - Number(isDeleting(b)));
  return vms.map((vm) => {
    const key = inv.keyOf(vm.otherConfig)!;
    const deleting = isDeleting(vm);
    const duplicate = deleting || seen.has(key);
    if (!deleting) seen.add(key);
    const infra = parseKey(key)?.infra ?? '';
    const facts = factsFromInventory(inv, vm, key, infra, !duplicate);
    const spec = observedVmSpec(facts, inv);
    const status = deleting
      ? { phase: 'degraded' as const, message: `VM ${vm.nameLabel} was being deleted` }
      : vm.busy
        ? { phase: 'progressing' as const, message: `VM ${vm.nameLabel}: an operation is in progress` }
        : { phase: 'ready' as const };
    return {
      key: deleting ? `${key}#deleting-${vm.uuid}` : key,
      kind: 'Infrastructure' as const,
      backend,
      ids: { uuid: vm.uuid },
      spec: spec as never,
      status,
      detail: { kind: 'vm', facts, duplicate } satisfies XenDetail,
      dependsOn: [...new Set(spec.interfaces.map((name) => networkKey(infra, name.replace(/@.*$| \(unplugged\)$/, ''))))],
    };
  });
}

function isDeleting(vm: { otherConfig: Record<string, string> }): boolean {
  return vm.otherConfig['converge.deleting'] === 'true';
}

function observeLooseVdis(inv: Inventory, backend: string, vmKeys: Set<string | undefined>): ObservedObject[] {
  return inv
    .ourVdis()
    .filter((vdi) => !vmKeys.has(inv.keyOf(vdi.otherConfig)) && !vdi.vbds.some((ref) => inv.tables.vbds.has(ref)))
    .map((vdi) => ({
      key: `${inv.keyOf(vdi.otherConfig)}#vdi-${vdi.uuid}`,
      kind: 'Infrastructure' as const,
      backend,
      ids: { uuid: vdi.uuid },
      spec: {},
      status: { phase: 'ready' as const },
      detail: { kind: 'vdi', ref: vdi.ref } satisfies XenDetail,
    }));
}

function observeNetworks(inv: Inventory, backend: string): ObservedObject[] {
  const out: ObservedObject[] = [];
  for (const network of inv.ourNetworks()) {
    const key = inv.keyOf(network.otherConfig)!;
    out.push({
      key,
      kind: 'Infrastructure',
      backend,
      ids: { uuid: network.uuid },
      spec: { name: parseKey(key)?.name ?? network.nameLabel },
      status: { phase: 'ready' },
      detail: { kind: 'network', ref: network.ref, external: false } satisfies XenDetail,
    });
  }
  return out;
}

/**
 * existingNetwork reports a declared network that existed before converge (not marked; named as
 * declared or as `options.networks` maps it) as an object of its resource, flagged external so
 * that delete never touches it. Two such networks are ambiguous: the VMs' create says so.
 */
function existingNetwork(inv: Inventory, backend: string, key: string): ObservedObject[] {
  const parsed = parseKey(key);
  if (parsed?.type !== 'network') return [];
  let network: XenNetwork | undefined;
  try {
    network = inv.existingNetwork(parsed.name);
  } catch {
    return [];
  }
  if (!network) return [];
  return [
    {
      key,
      kind: 'Infrastructure',
      backend,
      ids: { uuid: network.uuid, external: 'true' },
      spec: { name: parsed.name },
      status: { phase: 'ready' },
      external: true,
      detail: { kind: 'network', ref: network.ref, external: true } satisfies XenDetail,
    },
  ];
}
