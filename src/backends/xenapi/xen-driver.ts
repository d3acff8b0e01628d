/**
 * XenDriver realises `Infrastructure` resources on XenServer / XCP-ng through XenAPI: each
 * deployed system instance is a VM cloned from a template, each declared network a XenAPI
 * network (converge's own, or an existing one used as-is). One session per driver (logged out on
 * close); observation is five batched list calls per pass; every mutating call is journaled.
 * Credentials: the Backend's reference, in the format of session/credentials.ts.
 */
import type { InfrastructureResource, WorkloadResource } from '../../manifest/types.js';
import type { Secret } from '../../errors/secret.js';
import { ConvergeError } from '../../errors/converge-error.js';
import type { FieldChange } from '../../plan/types.js';
import type { Intent, ObjectRecord } from '../../state/types.js';
import type {
  AdoptContext, AdoptResult, ApplyContext, ApplyResult, DesiredObject, Driver, IntentSettlement, LookupResult, ObserveContext, ObservedObject, ObserveHint, RecoverContext, RecoveredIntent,
} from '../driver.js';
import type { DriverDeps } from '../driver-deps.js';
import { clientOptionsForBackend, endpointName, retryReporter } from '../backend-client.js';
import type { Actor } from './apply/actor.js';
import { XenApi } from './api/xen-api.js';
import { adoptVm } from './apply/adopt.js';
import { createNetwork, createVm } from './apply/create.js';
import { parseXenCredentials } from './session/credentials.js';
import { deleteObject } from './apply/delete.js';
import { xenEvents } from './events/event-stream.js';
import type { Inventory } from './observe/inventory.js';
import { XenLookup } from './observe/lookup.js';
import { lookupRecords } from './observe/lookup-records.js';
import { observeInventory, readInventory, type XenDetail } from './observe/observe.js';
import { readGuestNetworks, withAccess } from './observe/vm-access.js';
import { parseXenOptions } from './xen-options.js';
import { realizeVm } from './apply/realize.js';
import { recoverIntents } from './recover/recover-intents.js';
import { settleXenIntent } from './recover/settle-intent.js';
import { XenSession } from './session/session.js';
import { expandInfrastructure, parseKey, XEN_HOOKS, type XenVmSpec } from './xen-spec.js';

export class XenDriver implements Driver {
  readonly type = 'xenapi' as const;
  readonly hooks = XEN_HOOKS;
  readonly name: string;
  readonly identity: string;
  readonly #session: XenSession;
  readonly #api: XenApi;
  readonly #lookup: XenLookup;
  #inventory: Inventory | undefined;
  #owner: string | undefined;

  constructor(deps: DriverDeps, credentials: Secret | undefined) {
    this.name = deps.backend.metadata.name;
    if (!credentials) {
      throw new ConvergeError('INVALID', 'XEN_CREDENTIALS_MISSING', `backend ${this.name}: XenAPI needs credentials (credentials.fromFile or fromEnv)`);
    }
    const parsed = parseXenCredentials(credentials.reveal(), credentials.source);
    this.identity = `xapi user ${JSON.stringify(parsed.username)} at ${endpointName(deps)}`;
    this.#session = new XenSession({
      url: deps.url,
      credentials: parsed,
      client: clientOptionsForBackend(deps),
      onRetry: retryReporter(deps),
    });
    this.#api = new XenApi(this.#session);
    this.#lookup = new XenLookup(this.#api, parseXenOptions(deps.backend.spec.options, this.name));
  }

  expand(resource: WorkloadResource): DesiredObject[] {
    if (resource.kind !== 'Infrastructure') throw new ConvergeError('INVALID', 'KIND_UNSUPPORTED', `backend type xenapi does not serve ${resource.kind}`);
    return expandInfrastructure(resource as InfrastructureResource);
  }

  async observe(ctx: ObserveContext): Promise<ObservedObject[]> {
    this.#owner = ctx.owner;
    const [inventory, guest] = await Promise.all([
      readInventory(this.#api, ctx.owner, this.#lookup.options, ctx.signal),
      ctx.access ? readGuestNetworks(this.#api, ctx.signal) : undefined,
    ]);
    this.#inventory = inventory;
    this.#lookup.setInventory(inventory);
    const objects = observeInventory(inventory, this.name, ctx.records, ctx.desired);
    return guest ? withAccess(objects, inventory, guest) : objects;
  }

  lookup(records: readonly ObjectRecord[], ctx: ObserveContext): Promise<LookupResult[]> {
    return lookupRecords(this.#api, records, ctx.signal);
  }

  /** settleIntent keeps a key in motion while a clone of an unanswered call waits unmarked (recover/settle-intent.ts). */
  settleIntent(intent: Intent): IntentSettlement | undefined {
    return settleXenIntent(intent, this.#inventory);
  }

  create(desired: DesiredObject, ctx: ApplyContext): Promise<ApplyResult> {
    const actor = this.#actor(desired.key, ctx);
    return parseKey(desired.key)?.type === 'network' ? createNetwork(actor, desired) : createVm(actor, desired);
  }

  async update(desired: DesiredObject, observed: ObservedObject, _changes: FieldChange[], ctx: ApplyContext): Promise<ApplyResult> {
    const detail = observed.detail as XenDetail | undefined;
    if (detail?.kind !== 'vm') return { ids: observed.ids };
    await realizeVm(this.#actor(desired.key, ctx), desired.spec as unknown as XenVmSpec, detail.facts);
    return { ids: observed.ids };
  }

  /** adopt marks a VM created outside converge (apply/adopt.ts). */
  adopt(desired: DesiredObject, id: string, ctx: AdoptContext): Promise<AdoptResult> {
    return adoptVm(this.#actor(desired.key, ctx), this.name, desired, id);
  }

  delete(observed: ObservedObject, ctx: ApplyContext): Promise<ApplyResult> {
    return deleteObject(this.#actor(observed.key, ctx), observed);
  }

  recover(intents: readonly Intent[], ctx: RecoverContext): Promise<RecoveredIntent[]> {
    this.#owner = ctx.owner;
    return recoverIntents(this.#api, this.#lookup, intents, ctx);
  }

  events(signal: AbortSignal): AsyncIterable<ObserveHint> {
    return xenEvents({ session: this.#session, owner: () => this.#owner, inventory: () => this.#inventory }, signal);
  }

  async close(): Promise<void> {
    await this.#api.drain();
    this.#api.close();
    await this.#session.logout();
  }

  #actor(key: string, ctx: ApplyContext): Actor {
    this.#owner = ctx.owner;
    return { api: this.#api, lookup: this.#lookup, key, owner: ctx.owner, signal: ctx.signal, mutate: ctx.mutate, progress: ctx.progress };
  }
}
