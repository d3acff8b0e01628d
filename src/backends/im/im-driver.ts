/**
 * ImDriver realises `Infrastructure` resources as IM infrastructures (one per resource).
 * Credentials come from the Backend's reference in IM's auth-file format; the IM identity and the
 * cloud entries are sent on every call (IM stores only the IM entry).
 */
import type { InfrastructureResource, WorkloadResource } from '../../manifest/types.js';
import type { Secret } from '../../errors/secret.js';
import { ConvergeError } from '../../errors/converge-error.js';
import type { XmlRpcClient } from '../../xmlrpc/client.js';
import { clientForBackend, endpointName, retryReporter } from '../backend-client.js';
import type { Intent, ObjectRecord } from '../../state/types.js';
import { runExclusive } from '../../util/keyed-mutex.js';
import type { AdoptContext, AdoptResult, ApplyContext, ApplyResult, DesiredObject, Driver, FieldChange, IntentSettlement, LookupResult, ObserveContext, ObservedObject, SettleContext } from '../driver.js';
import type { DriverDeps } from '../driver-deps.js';
import { parseAuthFile, type AuthEntry } from './auth-file.js';
import { ImApi } from './im-api.js';
import { adoptIm } from './im-adopt.js';
import { createIm, deleteIm, updateIm } from './im-apply.js';
import { classifyImFault } from './im-errors.js';
import { lookupIm } from './im-lookup.js';
import { observeIm } from './im-observe.js';
import { settleImIntent } from './im-settle.js';
import { expandInfrastructure, IM_HOOKS } from './im-spec.js';

export class ImDriver implements Driver {
  readonly type = 'im' as const;
  readonly hooks = IM_HOOKS;
  readonly name: string;
  readonly identity: string;
  readonly #client: XmlRpcClient;
  readonly #api: ImApi;
  readonly #parallel: number;
  readonly #mutateMs: number;

  constructor(deps: DriverDeps, credentials: Secret | undefined) {
    this.name = deps.backend.metadata.name;
    if (!credentials) {
      throw new ConvergeError('INVALID', 'IM_AUTH_MISSING', `backend ${this.name}: IM needs credentials (an auth file given by credentials.fromFile or fromEnv)`);
    }
    const entries: AuthEntry[] = parseAuthFile(credentials.reveal(), credentials.source);
    const im = entries.find((e) => e.type === 'InfrastructureManager');
    this.identity = `IM user ${JSON.stringify(im?.username ?? (im?.token ? 'OIDC token' : '?'))} at ${endpointName(deps)}`;
    const { limits, timeouts } = deps.backend.spec;
    // Reads of one infrastructure fan out (RADL, state, one per VM): enough infrastructures in
    // flight to keep every connection busy, few enough that replies do not pile up in memory.
    this.#parallel = limits.connections * 2;
    this.#mutateMs = timeouts.mutateMs;
    this.#client = clientForBackend(deps, classifyImFault, { connectionPerCall: true }); // IM closes after every reply: no keep-alive pool
    this.#api = new ImApi(this.#client, { auth: () => entries.map((e) => ({ ...e })), onRetry: retryReporter(deps), mutateTimeoutMs: timeouts.mutateMs });
  }

  expand(resource: WorkloadResource): DesiredObject[] {
    if (resource.kind !== 'Infrastructure') throw new ConvergeError('INVALID', 'KIND_UNSUPPORTED', `backend type im does not serve ${resource.kind}`);
    return expandInfrastructure(resource as InfrastructureResource);
  }

  /** adopt marks an infrastructure created outside converge (im-adopt.ts). */
  adopt(desired: DesiredObject, infId: string, ctx: AdoptContext): Promise<AdoptResult> {
    return adoptIm(this.#api, this.name, desired, infId, ctx);
  }

  observe(ctx: ObserveContext): Promise<ObservedObject[]> {
    return observeIm(this.#api, this.name, ctx.owner, this.#parallel, ctx.signal, ctx.desired.map((d) => d.key));
  }

  lookup(records: readonly ObjectRecord[], ctx: ObserveContext): Promise<LookupResult[]> {
    return lookupIm(this.#api, this.name, ctx.owner, records, this.#parallel, ctx.signal);
  }

  settleIntent(intent: Intent, observed: readonly ObservedObject[], ctx: SettleContext): IntentSettlement | undefined {
    return settleImIntent(intent, observed, ctx, this.#mutateMs);
  }

  create(desired: DesiredObject, ctx: ApplyContext): Promise<ApplyResult> {
    return createIm(this.#api, desired, ctx);
  }

  // Changes to one infrastructure are serialised: overlapping changes corrupt it (apis/im.md §g).
  update(desired: DesiredObject, observed: ObservedObject, changes: FieldChange[], ctx: ApplyContext): Promise<ApplyResult> {
    return runExclusive(`im:${observed.ids.infId}`, () => updateIm(this.#api, desired, observed, changes, ctx));
  }

  delete(observed: ObservedObject, ctx: ApplyContext): Promise<ApplyResult> {
    return runExclusive(`im:${observed.ids.infId}`, () => deleteIm(this.#api, observed, ctx));
  }

  async close(): Promise<void> {
    this.#client.close();
  }
}
