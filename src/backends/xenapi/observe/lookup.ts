/**
 * XenLookup answers the name → reference questions create and update ask (templates, networks,
 * the SR for new disks) from the last observed inventory, reading again only on a miss: a network
 * created earlier in the same pass, a template added since. The SR is read once per driver.
 */
import { ConvergeError } from '../../../errors/converge-error.js';
import type { XenApi } from '../api/xen-api.js';
import { byUuid, Inventory } from './inventory.js';
import type { XenOptions } from '../xen-options.js';
import { NULL_REF, type XenSr } from '../api/records.js';

export class XenLookup {
  readonly #api: XenApi;
  readonly #options: XenOptions;
  #inventory: Inventory | undefined;
  #networksRead: Promise<void> | undefined;
  #sr: Promise<XenSr> | undefined;

  constructor(api: XenApi, options: XenOptions) {
    this.#api = api;
    this.#options = options;
  }

  get options(): XenOptions {
    return this.#options;
  }

  /** inventory is the last pass's observation; apply only runs after one. */
  get inventory(): Inventory {
    if (!this.#inventory) throw new ConvergeError('TERMINAL', 'XEN_NOT_OBSERVED', 'the XenAPI driver acts only after an observation');
    return this.#inventory;
  }

  setInventory(inventory: Inventory): void {
    this.#inventory = inventory;
    this.#networksRead = undefined;
  }

  /** template finds the one template named `name` (never a VM, a snapshot or a converge-marked clone). */
  async template(name: string, signal: AbortSignal): Promise<string> {
    let found = this.inventory.templates(name);
    if (found.length === 0) {
      const where = name.includes('"') ? 'field "is_a_template" = "true"' : `field "name__label" = "${name}" and field "is_a_template" = "true"`;
      const fresh = new Inventory({ ...this.inventory.tables, vms: await this.#api.vms(where, signal) }, this.inventory.owner, this.#options.networks);
      found = fresh.templates(name);
    }
    if (found.length === 1) return found[0]!.ref;
    const why = found.length === 0 ? 'no template is named' : `${found.length} templates are named`;
    throw new ConvergeError('INVALID', found.length === 0 ? 'XEN_TEMPLATE_NOT_FOUND' : 'XEN_TEMPLATE_AMBIGUOUS', `${why} "${name}" (the system's image)`);
  }

  /** network resolves a manifest network of `infra`, reading networks again once per pass on a miss. */
  async network(infra: string, name: string, signal: AbortSignal): Promise<string> {
    let found = this.inventory.networkFor(infra, name);
    if (!found) {
      this.#networksRead ??= this.#api.networks(signal).then((networks) => {
        this.#inventory = new Inventory({ ...this.inventory.tables, networks }, this.inventory.owner, this.#options.networks);
      });
      await this.#networksRead;
      found = this.inventory.networkFor(infra, name);
    }
    if (!found) throw new ConvergeError('CONFLICT', 'XEN_NETWORK_MISSING', `network "${name}" of Infrastructure/${infra} does not exist yet`);
    return found.ref;
  }

  /** sr is the SR for new disks: options.sr (name_label or uuid), else the pool's default SR. */
  sr(signal: AbortSignal): Promise<XenSr> {
    this.#sr ??= this.#readSr(signal).catch((error: unknown) => {
      this.#sr = undefined;
      throw error;
    });
    return this.#sr;
  }

  async #readSr(signal: AbortSignal): Promise<XenSr> {
    const srs = [...(await this.#api.srs(signal)).values()].sort(byUuid);
    const wanted = this.#options.sr;
    if (wanted) {
      const named = srs.filter((sr) => sr.uuid === wanted || sr.nameLabel === wanted);
      if (named.length === 1) return named[0]!;
      throw new ConvergeError('INVALID', 'XEN_SR_NOT_FOUND', `options.sr: ${named.length === 0 ? 'no SR is' : `${named.length} SRs are`} named "${wanted}"`);
    }
    const ref = await this.#api.defaultSr(signal);
    const sr = srs.find((s) => s.ref === ref);
    if (ref === NULL_REF || !sr) throw new ConvergeError('INVALID', 'XEN_SR_NOT_FOUND', 'the pool has no default SR; name one with the Backend option `sr`');
    return sr;
  }
}
