/**
 * PlanetLabDriver realises `Slice` resources on a PlanetLab: the slice at PLC (nodes, people,
 * tags, lease) through the PLC API, and a delegated slice's slivers on each node through the
 * Node Manager API over ssh, as its nm-controller slice (docs/backends/planetlab.md).
 *
 * Credentials are the PLC account (password auth, traded for a session); node access is the
 * Backend's `ssh` settings (or, for `url: embedded`, the simulator's in-process pipe).
 */
import { adoptSlice } from './apply/slice-adopt.js';
import { ConvergeError } from '../../errors/converge-error.js';
import type { Secret } from '../../errors/secret.js';
import type { EventSink } from '../../engine/events.js';
import type { SliceResource, WorkloadResource } from '../../manifest/types.js';
import type { Intent, ObjectRecord } from '../../state/types.js';
import type { XmlRpcClient } from '../../xmlrpc/client.js';
import { clientForBackend, retryReporter } from '../backend-client.js';
import type {
  AdoptContext,
  AdoptResult,
  ApplyContext,
  ApplyResult,
  DesiredObject,
  Driver,
  FieldChange,
  IntentSettlement,
  LookupResult,
  ObservedObject,
  ObserveContext,
  PlanProblem,
  SettleContext,
} from '../driver.js';
import type { DriverDeps } from '../driver-deps.js';
import { createSlice, deleteSlice, updateSlice, type SliceApplyDeps } from './apply/slice-apply.js';
import { applySliver, destroySliver, type SliverApplyDeps } from './apply/sliver-apply.js';
import { checkSlices } from './check/check-slices.js';
import { NmClient } from './nm/nm-client.js';
import { NodeShell } from './nm/node-shell.js';
import { sshOptionsOf, type SshOptions } from './nm/ssh-options.js';
import { LagBackoff } from './observe/lag-backoff.js';
import { lookupSlices } from './observe/lookup-slices.js';
import { observePlanetLab, type Observation, type ObserveDeps } from './observe/observe-planetlab.js';
import { PlcApi } from './plc/plc-api.js';
import { parsePlcCredentials } from './plc/plc-credentials.js';
import { PlcSession } from './plc/plc-session.js';
import { settleNodeCall } from './settle-intent.js';
import { SLICE_HOOKS, expandSlice, isSliverKey } from './spec/slice-spec.js';

export class PlanetLabDriver implements Driver {
  readonly type = 'planetlab' as const;
  readonly hooks = SLICE_HOOKS;
  readonly name: string;
  readonly identity: string;
  readonly #client: XmlRpcClient;
  readonly #session: PlcSession;
  readonly #api: PlcApi;
  readonly #shell: NodeShell;
  readonly #observeDeps: ObserveDeps;
  readonly #sink: EventSink;
  readonly #ssh: SshOptions;
  readonly #graceMs: number;
  readonly #resources = new Map<string, SliceResource>();
  #last: Observation | undefined;

  constructor(deps: DriverDeps, credentials: Secret | undefined) {
    this.name = deps.backend.metadata.name;
    if (!credentials) throw new ConvergeError('INVALID', 'PLC_CREDENTIALS', `backend ${this.name}: PlanetLab needs credentials (a username and password file given by credentials.fromFile or fromEnv)`);
    const account = parsePlcCredentials(credentials.reveal(), credentials.source);
    this.identity = `PLC user ${JSON.stringify(account.username)} at ${deps.url}`;
    const { limits, timeouts } = deps.backend.spec;
    this.#client = clientForBackend(deps);
    this.#session = new PlcSession(this.#client, account, retryReporter(deps));
    this.#api = new PlcApi(this.#client, this.#session, { onRetry: retryReporter(deps), mutateTimeoutMs: timeouts.mutateMs });
    this.#ssh = sshOptionsOf(deps.backend.spec);
    this.#shell = new NodeShell({ backend: this.name, manifestFile: deps.backend.source.file, ssh: this.#ssh, connectTimeoutMs: timeouts.connectMs, ...(deps.nodeShell ? { embedded: deps.nodeShell } : {}) });
    const parallel = this.#ssh.parallel ?? limits.connections;
    const nm = new NmClient(this.#shell, { timeoutMs: timeouts.callMs, parallel, onCall: (event) => deps.stats.recordCall(event) });
    this.#observeDeps = { api: this.#api, nm, lag: new LagBackoff(), backend: this.name, parallel, ...(this.#ssh.user ? { sshUser: this.#ssh.user } : {}) };
    this.#sink = deps.sink;
    this.#graceMs = timeouts.settleMs;
  }

  expand(resource: WorkloadResource): DesiredObject[] {
    if (resource.kind !== 'Slice') throw new ConvergeError('INVALID', 'KIND_UNSUPPORTED', `backend type planetlab does not serve ${resource.kind}`);
    const slice = resource as SliceResource;
    this.#resources.set(`Slice/${slice.metadata.name}`, slice);
    return expandSlice(slice, this.#ssh.user);
  }

  async observe(ctx: ObserveContext): Promise<ObservedObject[]> {
    this.#last = await observePlanetLab(this.#observeDeps, ctx);
    return this.#last.objects;
  }

  lookup(records: readonly ObjectRecord[], ctx: ObserveContext): Promise<LookupResult[]> {
    return lookupSlices(
      {
        api: this.#api,
        sink: this.#sink,
        observeNames: async (names, observeCtx) => (await observePlanetLab(this.#observeDeps, { ...observeCtx, records: observeCtx.records.filter((r) => names.includes(r.ids.name ?? '')) })).objects,
      },
      records,
      ctx,
    );
  }

  settleIntent(intent: Intent, observed: readonly ObservedObject[], ctx: SettleContext): IntentSettlement | undefined {
    return settleNodeCall(intent, observed, ctx.now, this.#graceMs);
  }

  check(desired: readonly DesiredObject[], observed: readonly ObservedObject[]): PlanProblem[] {
    return checkSlices({ view: this.#last?.view, resources: this.#resources, username: this.#api.username, sshConfigured: this.#shell.configured }, desired, observed);
  }

  create(desired: DesiredObject, ctx: ApplyContext): Promise<ApplyResult> {
    return isSliverKey(desired.key) ? applySliver(this.#sliverDeps(), desired, undefined, ctx) : createSlice(this.#sliceDeps(), desired, ctx);
  }

  update(desired: DesiredObject, observed: ObservedObject, _changes: FieldChange[], ctx: ApplyContext): Promise<ApplyResult> {
    return isSliverKey(desired.key) ? applySliver(this.#sliverDeps(), desired, observed, ctx) : updateSlice(this.#sliceDeps(), desired, observed, ctx);
  }

  /** adopt marks a slice created outside converge (apply/slice-adopt.ts). */
  adopt(desired: DesiredObject, id: string, ctx: AdoptContext): Promise<AdoptResult> {
    return adoptSlice(this.#api, this.name, desired, id, ctx);
  }

  delete(observed: ObservedObject, ctx: ApplyContext): Promise<ApplyResult> {
    return isSliverKey(observed.key) ? destroySliver(this.#sliverDeps(), observed, ctx) : deleteSlice(this.#api, observed, ctx);
  }

  async close(): Promise<void> {
    await this.#session.close();
    this.#client.close();
    await this.#shell.close();
  }

  #sliceDeps(): SliceApplyDeps {
    return { api: this.#api, foreign: (name) => this.#last?.foreign.get(name) };
  }

  #sliverDeps(): SliverApplyDeps {
    // A controller the last observation did not see may have been created in this very pass.
    const created = (controller: string): number => {
      const slice = this.#last?.view.slices.find((s) => s.name === controller);
      return slice ? slice.created * 1000 : Date.now();
    };
    return {
      api: this.#api,
      nm: this.#observeDeps.nm,
      controllerCreatedMs: created,
      sliceStaysDesired: (key) => this.#resources.has(key.split('/').slice(0, 2).join('/')),
      sliceObserved: (slice) => this.#last?.view.slices.some((s) => s.name === slice) ?? false,
      lag: this.#observeDeps.lag,
    };
  }
}
