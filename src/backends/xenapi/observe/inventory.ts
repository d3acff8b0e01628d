/**
 * Inventory is one pass's batched read of the pool (xenapi.md §2): guest VMs and templates, VBDs,
 * VDIs, VIFs and networks, indexed for the questions observe and apply ask. Ownership is the
 * `other_config` marker: `converge.owner` names the owner and `converge.key` the object key
 * (VMs, VDIs and networks converge created). A marker naming another owner is not ours.
 */
import { ConvergeError } from '../../../errors/converge-error.js';
import type { XenNetwork, XenVbd, XenVdi, XenVif, XenVm } from '../api/records.js';
import { networkKey, parseKey } from '../xen-spec.js';

export const MARK = {
  owner: 'converge.owner',
  key: 'converge.key',
  template: 'converge.template',
  arch: 'converge.arch',
  disk: 'converge.disk',
} as const;

export interface InventoryTables {
  vms: Map<string, XenVm>;
  vbds: Map<string, XenVbd>;
  vdis: Map<string, XenVdi>;
  vifs: Map<string, XenVif>;
  networks: Map<string, XenNetwork>;
}

export const byUuid = <T extends { uuid: string }>(a: T, b: T): number => a.uuid.localeCompare(b.uuid);

export class Inventory {
  readonly tables: InventoryTables;
  readonly owner: string;
  readonly #networkNames: Record<string, string>;

  constructor(tables: InventoryTables, owner: string, networkNames: Record<string, string>) {
    this.tables = tables;
    this.owner = owner;
    this.#networkNames = networkNames;
  }

  /** keyOf returns the object key of a marked record if its owner is us. */
  keyOf(otherConfig: Record<string, string>): string | undefined {
    return otherConfig[MARK.owner] === this.owner ? otherConfig[MARK.key] : undefined;
  }

  // The tables are one pass's read and never change, so what is derived from them is derived once:
  // per-VM questions (a VM's loose disks) scanned every VDI, O(VMs × VDIs) per observation.
  #ourVms: XenVm[] | undefined;
  #ourNetworks: XenNetwork[] | undefined;
  #ourVdis: XenVdi[] | undefined;
  #vdisByKey: Map<string, XenVdi[]> | undefined;

  /** ourVms: our VMs by uuid (a fresh array each call: callers may sort it). */
  ourVms(): XenVm[] {
    this.#ourVms ??= this.#ours(this.tables.vms);
    return [...this.#ourVms];
  }

  ourNetworks(): XenNetwork[] {
    this.#ourNetworks ??= this.#ours(this.tables.networks);
    return [...this.#ourNetworks];
  }

  ourVdis(): XenVdi[] {
    this.#ourVdis ??= this.#ours(this.tables.vdis);
    return [...this.#ourVdis];
  }

  /** ourVdisOf: our VDIs marked with object key `key`, by uuid. */
  ourVdisOf(key: string): readonly XenVdi[] {
    if (!this.#vdisByKey) {
      this.#vdisByKey = new Map();
      for (const vdi of this.ourVdis()) {
        const k = this.keyOf(vdi.otherConfig)!;
        const list = this.#vdisByKey.get(k);
        if (list) list.push(vdi);
        else this.#vdisByKey.set(k, [vdi]);
      }
    }
    return this.#vdisByKey.get(key) ?? [];
  }

  #ours<T extends { uuid: string; otherConfig: Record<string, string> }>(table: Map<string, T>): T[] {
    return [...table.values()].filter((r) => this.keyOf(r.otherConfig) !== undefined).sort(byUuid);
  }

  /** templates lists the unmarked, non-snapshot templates with this name_label. */
  templates(name: string): XenVm[] {
    return [...this.tables.vms.values()].filter((vm) => vm.isTemplate && !vm.isSnapshot && vm.nameLabel === name && !vm.otherConfig[MARK.owner]);
  }

  vifsOf(vm: XenVm): XenVif[] {
    return vm.vifs.map((ref) => this.tables.vifs.get(ref)).filter((v): v is XenVif => v !== undefined);
  }

  vbdsOf(vm: XenVm): XenVbd[] {
    return vm.vbds.map((ref) => this.tables.vbds.get(ref)).filter((v): v is XenVbd => v !== undefined);
  }

  /** labelFor is the name_label an existing (not converge-created) network must have to serve `name`. */
  labelFor(name: string): string {
    return this.#networkNames[name] ?? name;
  }

  /** networkName is the manifest name of the network a VIF of `infra` uses. */
  networkName(ref: string, infra: string): string {
    const network = this.tables.networks.get(ref);
    if (!network) return `?${ref}`;
    const key = this.keyOf(network.otherConfig);
    const parsed = key ? parseKey(key) : undefined;
    if (parsed && parsed.infra === infra) return parsed.name;
    if (network.otherConfig[MARK.owner]) return network.nameLabel;
    return Object.entries(this.#networkNames).find(([, label]) => label === network.nameLabel)?.[0] ?? network.nameLabel;
  }

  /** ourNetwork is the network converge created for `infra`/`name` (the lowest uuid if several). */
  ourNetwork(infra: string, name: string): XenNetwork | undefined {
    const key = networkKey(infra, name);
    return this.ourNetworks().find((n) => this.keyOf(n.otherConfig) === key);
  }

  /** existingNetwork is the one unmarked network labelled for `name`; several are ambiguous. */
  existingNetwork(name: string): XenNetwork | undefined {
    const label = this.labelFor(name);
    const found = [...this.tables.networks.values()].filter((n) => n.nameLabel === label && !n.otherConfig[MARK.owner]);
    if (found.length > 1) {
      throw new ConvergeError('INVALID', 'XEN_NETWORK_AMBIGUOUS', `${found.length} networks are named "${label}"; converge will not guess which one network "${name}" means`);
    }
    return found[0];
  }

  /** networkFor resolves a manifest network of `infra` to a network ref: converge's own, else an existing one. */
  networkFor(infra: string, name: string): XenNetwork | undefined {
    return this.ourNetwork(infra, name) ?? this.existingNetwork(name);
  }
}
