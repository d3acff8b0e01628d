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

  ourVms(): XenVm[] {
    return [...this.tables.vms.values()].filter((vm) => this.keyOf(vm.otherConfig) !== undefined).sort(byUuid);
  }

  ourNetworks(): XenNetwork[] {
    return [...this.tables.networks.values()].filter((n) => this.keyOf(n.otherConfig) !== undefined).sort(byUuid);
  }

  ourVdis(): XenVdi[] {
    return [...this.tables.vdis.values()].filter((v) => this.keyOf(v.otherConfig) !== undefined).sort(byUuid);
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
