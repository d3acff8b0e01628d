/**
 * SeattleDriver realises `VesselSet` resources on a Seattle Clearinghouse account: vessel counts
 * per type, with leases renewed before they run out (leases are desired state). The API has no
 * tags, so the vessels a VesselSet owns are the handles recorded in state.
 */
import type { VesselSetResource, WorkloadResource } from '../../manifest/types.js';
import type { Secret } from '../../errors/secret.js';
import type { Intent, ObjectRecord } from '../../state/types.js';
import { ConvergeError } from '../../errors/converge-error.js';
import type { XmlRpcClient } from '../../xmlrpc/client.js';
import { clientForBackend, endpointName, retryReporter } from '../backend-client.js';
import type { FieldChange } from '../../plan/types.js';
import type {
  AdoptContext,
  AdoptResult,
  ApplyContext,
  ApplyResult,
  DesiredObject,
  Driver,
  IntentSettlement,
  LookupResult,
  ObservedObject,
  ObserveContext,
  PlanProblem,
  RecoverContext,
  RecoveredIntent,
  SettleContext,
} from '../driver.js';
import type { DriverDeps } from '../driver-deps.js';
import { SeattleApi } from './seattle-api.js';
import { parseSeattleCredentials } from './seattle-credentials.js';
import { adoptVessels } from './vessel-adopt.js';
import { applyVesselSet, releaseVesselSet } from './vessel-apply.js';
import { checkCredits } from './vessel-check.js';
import { observeVessels, type AccountView } from './vessel-observe.js';
import { recoverAcquires, settleAcquire } from './vessel-recover.js';
import { expandVesselSet, VESSEL_HOOKS } from './vessel-spec.js';

export class SeattleDriver implements Driver {
  readonly type = 'seattle' as const;
  readonly hooks = VESSEL_HOOKS;
  readonly name: string;
  readonly identity: string;
  readonly #client: XmlRpcClient;
  readonly #api: SeattleApi;
  readonly #graceMs: number;
  #view: AccountView | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(deps: DriverDeps, credentials: Secret | undefined) {
    this.name = deps.backend.metadata.name;
    if (!credentials) {
      throw new ConvergeError('INVALID', 'SEATTLE_CREDENTIALS', `backend ${this.name}: Seattle needs credentials (username and api_key or private_key)`);
    }
    this.#client = clientForBackend(deps);
    const parsed = parseSeattleCredentials(credentials.reveal(), credentials.source);
    this.identity = `Seattle user ${JSON.stringify(parsed.username)} at ${endpointName(deps)}`;
    this.#api = new SeattleApi(this.#client, parsed, retryReporter(deps));
    this.#graceMs = deps.backend.spec.timeouts.settleMs;
  }

  expand(resource: WorkloadResource): DesiredObject[] {
    if (resource.kind !== 'VesselSet') throw new ConvergeError('INVALID', 'KIND_UNSUPPORTED', `backend type seattle does not serve ${resource.kind}`);
    return expandVesselSet(resource as VesselSetResource);
  }

  /** adopt records vessels acquired outside converge (vessel-adopt.ts). */
  adopt(desired: DesiredObject, id: string, ctx: AdoptContext): Promise<AdoptResult> {
    return adoptVessels(this.#api, this.name, desired, id, ctx);
  }

  async observe(ctx: ObserveContext): Promise<ObservedObject[]> {
    const { objects, view } = await observeVessels(this.#api, this.name, ctx);
    this.#view = view;
    return objects;
  }

  /**
   * lookup: observe reports every VesselSet state records (the API has no tags: what a set owns
   * is its recorded handles), so nothing recorded is ever missing from it; a handle the account
   * no longer holds is simply not counted. Records handed here are therefore reported gone.
   */
  async lookup(records: readonly ObjectRecord[]): Promise<LookupResult[]> {
    return records.map((r) => ({ key: r.key, presence: 'gone' as const, evidence: 'no vessel recorded for it is held by the account' }));
  }

  /** settleIntent: see settleAcquire (an acquire of unknown outcome waits until its vessels are held). */
  settleIntent(intent: Intent, observed: readonly ObservedObject[], ctx: SettleContext): IntentSettlement | undefined {
    return settleAcquire(intent, observed, ctx.now, this.#graceMs);
  }

  check(desired: readonly DesiredObject[], observed: readonly ObservedObject[]): PlanProblem[] {
    return checkCredits(this.#view, desired, observed);
  }

  recover(intents: readonly Intent[], ctx: RecoverContext): Promise<RecoveredIntent[]> {
    return recoverAcquires(this.#api, intents, ctx, this.#graceMs);
  }

  create(desired: DesiredObject, ctx: ApplyContext): Promise<ApplyResult> {
    return applyVesselSet({ api: this.#api, serial: (fn) => this.#serial(fn) }, desired, undefined, ctx);
  }

  update(desired: DesiredObject, observed: ObservedObject, _changes: FieldChange[], ctx: ApplyContext): Promise<ApplyResult> {
    return applyVesselSet({ api: this.#api, serial: (fn) => this.#serial(fn) }, desired, observed, ctx);
  }

  delete(observed: ObservedObject, ctx: ApplyContext): Promise<ApplyResult> {
    return releaseVesselSet({ api: this.#api, serial: (fn) => this.#serial(fn) }, observed, ctx);
  }

  async close(): Promise<void> {
    this.#client.close();
  }

  /** #serial runs acquires and releases one at a time per backend (see vessel-apply.ts). */
  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn, fn);
    this.#queue = run.catch(() => undefined);
    return run;
  }
}
