/**
 * ImDriver realises `Infrastructure` resources as IM infrastructures (one per resource).
 * Credentials come from the Backend's reference in IM's auth-file format; the IM identity and the
 * cloud entries are sent on every call (IM stores only the IM entry).
 */
import type { InfrastructureResource, WorkloadResource } from '../../manifest/types.js';
import type { Secret } from '../../errors/secret.js';
import { ConvergeError } from '../../errors/converge-error.js';
import type { XmlRpcClient } from '../../xmlrpc/client.js';
import { clientForBackend, retryReporter } from '../backend-client.js';
import type { FieldChange } from '../../plan/types.js';
import type { ApplyContext, ApplyResult, DesiredObject, Driver, ObserveContext, ObservedObject } from '../driver.js';
import type { DriverDeps } from '../driver-deps.js';
import { parseAuthFile, type AuthEntry } from './auth-file.js';
import { ImApi } from './im-api.js';
import { createIm, deleteIm, updateIm } from './im-apply.js';
import { classifyImFault } from './im-errors.js';
import { observeIm } from './im-observe.js';
import { expandInfrastructure, IM_HOOKS } from './im-spec.js';

export class ImDriver implements Driver {
  readonly type = 'im' as const;
  readonly hooks = IM_HOOKS;
  readonly name: string;
  readonly #client: XmlRpcClient;
  readonly #api: ImApi;
  readonly #parallel: number;

  constructor(deps: DriverDeps, credentials: Secret | undefined) {
    this.name = deps.backend.metadata.name;
    if (!credentials) {
      throw new ConvergeError('INVALID', 'IM_AUTH_MISSING', `backend ${this.name}: IM needs credentials (an auth file given by credentials.fromFile or fromEnv)`);
    }
    const entries: AuthEntry[] = parseAuthFile(credentials.reveal(), credentials.source);
    this.#parallel = deps.backend.spec.limits.concurrency * 2;
    this.#client = clientForBackend(deps, classifyImFault);
    this.#api = new ImApi(this.#client, () => entries.map((e) => ({ ...e })), retryReporter(deps));
  }

  expand(resource: WorkloadResource): DesiredObject[] {
    if (resource.kind !== 'Infrastructure') throw new ConvergeError('INVALID', 'KIND_UNSUPPORTED', `backend type im does not serve ${resource.kind}`);
    return expandInfrastructure(resource as InfrastructureResource);
  }

  observe(ctx: ObserveContext): Promise<ObservedObject[]> {
    return observeIm(this.#api, this.name, ctx.owner, this.#parallel, ctx.signal);
  }

  create(desired: DesiredObject, ctx: ApplyContext): Promise<ApplyResult> {
    return createIm(this.#api, desired, ctx);
  }

  update(desired: DesiredObject, observed: ObservedObject, changes: FieldChange[], ctx: ApplyContext): Promise<ApplyResult> {
    return updateIm(this.#api, desired, observed, changes, ctx);
  }

  delete(observed: ObservedObject, ctx: ApplyContext): Promise<ApplyResult> {
    return deleteIm(this.#api, observed, ctx);
  }

  async close(): Promise<void> {
    this.#client.close();
  }
}
