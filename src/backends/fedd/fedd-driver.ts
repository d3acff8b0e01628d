/**
 * FeddDriver realises `Infrastructure` resources whose systems are placed on DETER testbeds:
 * converge acts as the experiment controller of a federated experiment (apis/fedd.md §4). Each
 * Infrastructure is ONE object whose spec holds a segment per testbed, so that one action starts
 * all of an experiment's segments together (they wait for each other's connection parameters:
 * separate actions could be serialised by the backend's concurrency limit and deadlock until the
 * access controllers' input timeout). Changes restart only the segments they touch.
 *
 * The driver owns the exchange store (SetValue/GetValue) the access controllers call back: it
 * listens from open to close(), on the Backend's `exchange.listen`.
 */
import type { InfrastructureResource, WorkloadResource } from '../../manifest/types.js';
import { ConvergeError } from '../../errors/converge-error.js';
import type { Intent, ObjectRecord } from '../../state/types.js';
import type { JsonObject } from '../../util/json.js';
import type {
  ApplyContext, ApplyResult, DesiredObject, Driver, FieldChange, IntentSettlement, LookupResult, ObservedObject, ObserveContext, PlanHooks, RecoverContext,
  RecoveredIntent, SettleContext,
} from '../driver.js';
import type { DriverDeps } from '../driver-deps.js';
import { clientOptionsForBackend, retryReporter } from '../backend-client.js';
import { deleteExperiment } from './apply/delete-experiment.js';
import { realizeExperiment, type ExperimentDeps } from './apply/realize-experiment.js';
import { ExchangeStore } from './exchange/exchange-store.js';
import { startExchangeServer, type RunningExchange } from './exchange/store-server.js';
import type { FeddSetup } from './fedd-setup.js';
import { readExtra } from './observe/fedd-extra.js';
import { lookupExperiments, observeExperiments, type ObserveDeps } from './observe/observe-experiments.js';
import { recoverAllocations } from './observe/recover-allocations.js';
import { settleFeddIntent } from './observe/settle-intent.js';
import { expandExperiment } from './topology/expand-experiment.js';
import { AccessApi } from './wire/access-api.js';
import { classifyFeddFault } from './wire/fault-map.js';
import { fedidOfCertificate, fedidText } from './wire/fedid.js';

/** FEDD_HOOKS: every change can be made by restarting segments; nothing is computed. */
export const FEDD_HOOKS: PlanHooks = { immutable: [], ignored: [] };

/** FeddDriver is the fedd backend's Driver; open() it, close() it (see the file comment). */
export class FeddDriver implements Driver {
  readonly type = 'fedd' as const;
  readonly hooks = FEDD_HOOKS;
  readonly name: string;
  readonly identity: string;
  readonly #apis: Map<string, AccessApi>;
  readonly #store: ExchangeStore;
  readonly #exchange: RunningExchange;
  readonly #startsInFlight = new Set<string>();
  readonly #credentials: string[];
  readonly #parallel: number;
  readonly #settleMs: number;

  private constructor(deps: DriverDeps, setup: FeddSetup, apis: Map<string, AccessApi>, store: ExchangeStore, exchange: RunningExchange, fedid: string) {
    this.name = deps.backend.metadata.name;
    this.#store = store;
    this.identity = `fedd identity ${fedidText(fedid)} (testbeds ${[...apis.keys()].join(', ')})`;
    this.#apis = apis;
    this.#exchange = exchange;
    this.#credentials = setup.credentials;
    this.#parallel = deps.backend.spec.limits.connections;
    this.#settleMs = deps.backend.spec.timeouts.settleMs;
  }

  /** open builds a client per testbed and starts the exchange store; close() stops it. */
  static async open(deps: DriverDeps, setup: FeddSetup): Promise<FeddDriver> {
    const fedid = fedidOfCertificate(setup.identity.certPem).toString('hex');
    const identity = { certPem: setup.identity.certPem, keyPem: setup.identity.key.reveal() };
    const base = clientOptionsForBackend(deps, classifyFeddFault);
    const apis = new Map(
      Object.entries(setup.testbeds).map(([testbed, url]) => [
        testbed,
        new AccessApi({
          testbed,
          client: { ...base, endpointLabel: `backend ${deps.backend.metadata.name} (testbed ${testbed})`, url, clientCertificate: identity, ...(setup.caPem ? { caPem: setup.caPem } : {}), ...(setup.caFile ? { caFile: setup.caFile } : {}) },
          mutateTimeoutMs: deps.backend.spec.timeouts.mutateMs,
          onRetry: retryReporter(deps),
        }),
      ]),
    );
    const settings = deps.backend.spec.fedd;
    const store = new ExchangeStore();
    const listen = settings?.exchange.listen ?? '127.0.0.1:0';
    const exchange = await startExchangeServer({ listen, ...(settings?.exchange.url ? { url: settings.exchange.url } : {}), identity, store, prover: fedid });
    return new FeddDriver(deps, setup, apis, store, exchange, fedid);
  }

  expand(resource: WorkloadResource): DesiredObject[] {
    if (resource.kind !== 'Infrastructure') throw new ConvergeError('INVALID', 'KIND_UNSUPPORTED', `backend type fedd does not serve ${resource.kind}`);
    const infrastructure = resource as InfrastructureResource;
    const key = `Infrastructure/${infrastructure.metadata.name}`;
    const spec = expandExperiment(infrastructure.spec) as unknown as JsonObject;
    return [{ key, resource: key, kind: 'Infrastructure', backend: this.name, spec, deletionPolicy: infrastructure.spec.deletionPolicy, dependsOn: [] }];
  }

  observe(ctx: ObserveContext): Promise<ObservedObject[]> {
    for (const record of ctx.records) this.#store.seed(readExtra(record).exchange);
    return observeExperiments(this.#observeDeps(), ctx);
  }

  lookup(records: readonly ObjectRecord[], ctx: ObserveContext): Promise<LookupResult[]> {
    return lookupExperiments(this.#observeDeps(), records, ctx.signal);
  }

  settleIntent(intent: Intent, observed: readonly ObservedObject[], ctx: SettleContext): IntentSettlement | undefined {
    return settleFeddIntent(intent, observed, ctx.now, this.#settleMs);
  }

  async recover(intents: readonly Intent[], ctx: RecoverContext): Promise<RecoveredIntent[]> {
    return recoverAllocations(intents, ctx);
  }

  create(desired: DesiredObject, ctx: ApplyContext): Promise<ApplyResult> {
    return realizeExperiment(this.#experimentDeps(), desired, undefined, ctx);
  }

  update(desired: DesiredObject, observed: ObservedObject, _changes: FieldChange[], ctx: ApplyContext): Promise<ApplyResult> {
    return realizeExperiment(this.#experimentDeps(), desired, observed, ctx);
  }

  delete(observed: ObservedObject, ctx: ApplyContext): Promise<ApplyResult> {
    return deleteExperiment(this.#experimentDeps(), observed, ctx);
  }

  async close(): Promise<void> {
    for (const api of this.#apis.values()) api.close();
    await this.#exchange.close();
  }

  #observeDeps(): ObserveDeps {
    return { backend: this.name, apis: this.#apis, parallel: this.#parallel, startsInFlight: this.#startsInFlight };
  }

  #experimentDeps(): ExperimentDeps {
    return { apis: this.#apis, store: this.#store, storeUrl: this.#exchange.url, credentials: this.#credentials, startsInFlight: this.#startsInFlight };
  }
}
