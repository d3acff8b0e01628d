/**
 * Controller is `converge watch` (DESIGN §8): it holds the state lock for its whole life and
 * keeps the live infrastructure converged to the manifests. What to look at comes into one work
 * queue of resource keys, from the manifest watcher (changed resources), backend event streams
 * (changed objects), lease timers (renewals coming due), retries (with per-key backoff) and the
 * periodic resync (everything); workers take keys and run the same pass as `reconcile`, scoped
 * to them. Endpoints: /healthz, /metrics, /status and an HTML status page.
 *
 * Shutdown (stop, on SIGTERM): nothing new is queued or started, actions in flight get `graceMs`
 * to finish (then their calls are aborted; their journal intents stay for the next run to
 * settle), drivers are closed, the lock is released.
 */
import type { ObserveHint } from '../backends/driver.js';
import { openStore, statePathFor } from '../workspace/open-workspace.js';
import { resourceKeyOf } from '../engine/scope.js';
import type { LockHandle, StateStore } from '../state/types.js';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { BackendEvents } from './backend-events.js';
import type { ControllerOptions } from './controller-options.js';
import { knownKeys } from './controller-keys.js';
import { DriverSet } from './driver-set.js';
import type { Generation } from './generation.js';
import { serveEndpoints, type Endpoints } from './http/endpoints.js';
import { LeaseWatch } from './lease-timers.js';
import { eventLog } from './log/event-log.js';
import type { Logger } from './log/json-log.js';
import { ManifestSync } from './manifest-sync.js';
import { ControllerMetrics } from './metrics/controller-metrics.js';
import { MeteredStats } from './metrics/metered-stats.js';
import { ObservationCache } from './observation-cache.js';
import { Reconciler } from './pass/reconciler.js';
import { PassGate } from './pass-gate.js';
import { WorkQueue } from './queue/work-queue.js';
import { ResyncTimer } from './resync-timer.js';
import { SharedState, type PassState } from './shared-state.js';
import { Replica } from './replica/replica.js';
import { registerReplicaMetrics } from './replica/replica-metrics.js';
import { shardOfKey } from '../state/index.js';
import { statusDocument, type StatusDocument } from './status/status-document.js';
import { ManifestWatcher } from './watch/manifest-watcher.js';
import { ConvergeError } from '../errors/converge-error.js';
import type { Rename } from '../workspace/renames.js';

export class Controller {
  /** url is where the endpoints listen, e.g. `http://127.0.0.1:9321`. */
  url = '';
  readonly #o: ControllerOptions;
  readonly #log: Logger;
  readonly #queue = new WorkQueue(undefined, (key) => this.#owns(key));
  readonly #gate = new PassGate();
  readonly #hard = new AbortController();
  readonly #drain = new AbortController();
  readonly #startedAt = new Date().toISOString();
  readonly #metrics: ControllerMetrics;
  readonly #cache: ObservationCache;
  readonly #drivers: DriverSet;
  readonly #events: BackendEvents;
  readonly #leases: LeaseWatch;
  readonly #sync: ManifestSync;
  readonly #finished: Promise<number>;
  #finish!: (code: number) => void;
  #store: StateStore | undefined;
  #lock: LockHandle | undefined;
  #shared: PassState | undefined;
  /** replica is set for `--sharded`: the controller then works only on the resources of its shards. */
  #replica: Replica | undefined;
  #reconciler: Reconciler | undefined;
  #http: Endpoints | undefined;
  #watcher: ManifestWatcher | undefined;
  #resync: ResyncTimer | undefined;
  #generation: Generation | undefined;
  #generationArrived: () => void = () => undefined;
  #phase: StatusDocument['controller']['phase'] = 'starting';
  #streaming = false;
  /** firstPass is set when the first (unscoped) pass starts: keys changed before it need no queueing. */
  #firstPass = false;
  #running: Promise<void> = Promise.resolve();
  #stopping: Promise<number> | undefined;

  private constructor(options: ControllerOptions) {
    this.#o = options;
    this.#log = options.log;
    this.#finished = new Promise((resolve) => (this.#finish = resolve));
    this.#metrics = new ControllerMetrics({
      queue: () => ({ depth: this.#queue.depth, inFlight: this.#queue.inFlight, delayed: this.#queue.delayed }),
      openIntents: async () => (this.#store ? (await this.#store.journal.unsettled()).length : 0),
      leases: () => this.#leases.leases(),
      manifestsValid: () => this.#sync.report.valid,
      resources: () => this.#resourceReadiness(),
    }, { version: options.version });
    this.#cache = new ObservationCache({ maxAgeMs: options.cacheMaxAgeMs ?? options.resyncMs, onObserved: (b, objects) => this.#leases.observed(b, objects) });
    const stateDir = dirname(statePathFor(options.dir, options.statePath));
    this.#drivers = new DriverSet({ stateDir, sink: eventLog(this.#log), statsFor: (name) => new MeteredStats(name, this.#metrics) });
    this.#events = new BackendEvents((backend, hint) => this.#onHint(backend, hint), this.#log);
    this.#leases = new LeaseWatch((key, backend) => this.#onLeaseDue(key, backend));
    this.#sync = new ManifestSync({
      dir: options.dir,
      log: this.#log,
      metrics: this.#metrics,
      drivers: this.#drivers,
      events: this.#events,
      gate: this.#gate,
      cache: this.#cache,
      current: () => this.#generation,
      publish: (generation, changed) => this.#publish(generation, changed.keys, changed.backends),
      streaming: () => this.#streaming,
      rekey: (rename) => this.#rekey(rename),
    });
  }

  /** start takes the lock, serves the endpoints, loads the manifests and starts working. */
  static async start(options: ControllerOptions): Promise<Controller> {
    const controller = new Controller(options);
    await controller.#open();
    return controller;
  }

  /** finished resolves with the exit code once the controller has stopped. */
  get finished(): Promise<number> {
    return this.#finished;
  }

  /** resync re-reads the manifests and every backend now, and queues every known key (SIGHUP). */
  resync(): Promise<void> {
    return this.#resyncAll();
  }

  /** stop shuts down gracefully (see the file comment); idempotent. */
  stop(reason: string, exitCode = 0): Promise<number> {
    this.#stopping ??= this.#shutdown(reason, exitCode).then((code) => {
      this.#finish(code);
      return code;
    });
    return this.#stopping;
  }

  async #open(): Promise<void> {
    const o = this.#o;
    this.#store = openStore(o.dir, { ...(o.statePath ? { statePath: o.statePath } : {}), ...(o.owner ? { owner: o.owner } : {}), ...(o.workspace ? { workspace: o.workspace } : {}) });
    if (o.replica) return this.#openReplica(o.replica);
    this.#lock = await this.#store.acquire({
      timeoutMs: o.lockTimeoutMs,
      command: `converge watch ${o.dir}`,
      onStaleTakeover: (stale) => this.#log.warn({ holder: `${stale.user}@${stale.host} pid ${stale.pid}` }, 'lock-takeover'),
    });
    // A lease that is lost (taken over, or not renewable in time) stops every action at once.
    this.#lock.signal.addEventListener('abort', () => void this.#lockLost(), { once: true });
    try {
      this.#shared = await SharedState.open(this.#store);
      await this.#serve();
    } catch (error) {
      await this.#close();
      throw error;
    }
  }

  /** openReplica joins the workspace's replicas instead of taking the state lock (`--sharded`). */
  async #openReplica(settings: NonNullable<ControllerOptions['replica']>): Promise<void> {
    const o = this.#o;
    this.#replica = await Replica.open(
      this.#store!,
      { replicaId: settings.id, timings: { ttlMs: settings.ttlMs, renewMs: settings.renewMs }, ...(o.owner ? { owner: o.owner } : {}), lockTimeoutMs: o.lockTimeoutMs, command: `converge watch --sharded ${o.dir}`, log: this.#log },
      { gained: (shards) => this.#onShardsGained(shards), lost: () => undefined, applied: () => this.#appliedReport() },
    );
    this.#store = this.#replica.store;
    this.#shared = this.#replica.state;
    registerReplicaMetrics(this.#metrics.registry, () => this.#replica!.status());
    try {
      await this.#serve();
    } catch (error) {
      await this.#close();
      throw error;
    }
  }

  /** serve starts the endpoints, loads the manifests and starts working (state is open). */
  async #serve(): Promise<void> {
    const o = this.#o;
    this.#reconciler = this.#newReconciler(this.#shared!, this.#store!);
    this.#http = await serveEndpoints(o.listen, { health: () => this.#health(), metrics: async () => ({ text: await this.#metrics.text(), contentType: this.#metrics.contentType }), status: async () => this.#status(), events: (filter) => this.#reconciler!.history.list(filter) });
    this.url = this.#http.url;
    this.#log.info({ url: this.url, dir: o.dir, owner: this.#shared!.snapshot.owner, workers: o.workers, resyncMs: o.resyncMs, ...(this.#replica ? { replica: this.#replica.id, shards: this.#replica.status().shards.length } : {}) }, 'listening');
    await this.#sync.reload('start');
    this.#watcher = await ManifestWatcher.start({ dir: o.dir, debounceMs: o.debounceMs, onChange: (paths) => void this.#sync.reload(`changed ${paths.length} file(s)`), onError: (e) => this.#log.warn({ error: e.message }, 'watcher-error') });
    this.#resync = new ResyncTimer(o.resyncMs, () => void this.#resyncAll());
    this.#running = this.#run();
  }

  /** run waits for a valid manifest set, reconciles everything once (settling the journal), then serves the queue. */
  async #run(): Promise<void> {
    if (!this.#generation) await Promise.race([new Promise<void>((r) => (this.#generationArrived = r)), aborted(this.#drain.signal)]);
    if (this.#drain.signal.aborted || !this.#generation) return;
    this.#firstPass = true;
    const first = this.#knownKeys();
    await this.#reconciler!.reconcile(first, this.#replica ? new Set(first) : undefined, true);
    this.#phase = this.#drain.signal.aborted ? this.#phase : 'running';
    this.#streaming = true;
    this.#events.follow(this.#drivers.drivers);
    await Promise.all(Array.from({ length: this.#o.workers }, () => this.#worker()));
  }

  async #worker(): Promise<void> {
    const batch = this.#o.workers > 1 ? 1 : Number.POSITIVE_INFINITY;
    for (let keys = await this.#queue.take(batch); keys; keys = await this.#queue.take(batch)) {
      try {
        await this.#reconciler!.reconcile(keys, new Set(keys), false);
      } finally {
        this.#queue.done(keys);
      }
    }
  }

  #newReconciler(shared: PassState, store: StateStore): Reconciler {
    return new Reconciler({
      options: this.#o,
      log: this.#log,
      metrics: this.#metrics,
      cache: this.#cache,
      queue: this.#queue,
      gate: this.#gate,
      shared,
      store,
      hard: this.#hard.signal,
      drain: this.#drain.signal,
      generation: () => this.#generation,
      knownKeys: () => this.#knownKeys(),
      mayAct: () => !this.#lockLost() && !this.#drain.signal.aborted,
      ...(this.#replica ? { tenure: (keys: readonly string[]) => this.#replica!.tenure(keys) } : {}),
    });
  }

  /**
   * rekey moves state records to renamed keys. A sharded replica cannot (a key's shard follows
   * its name): it refuses a rename of objects it holds, which `converge reconcile` applies.
   */
  async #rekey(rename: Rename): Promise<boolean> {
    const shared = this.#shared!;
    if (shared.rekey) return shared.rekey(rename);
    const moving = Object.keys(shared.snapshot.objects).filter((key) => rename(key) !== key);
    if (moving.length === 0) return false;
    throw new ConvergeError(
      'INVALID',
      'RENAME_SHARDED',
      `metadata.previousNames renames ${moving.length} object(s) (${moving.slice(0, 3).join(', ')}${moving.length > 3 ? ', …' : ''}) that sharded replicas cannot move between shards: stop the replicas, run \`converge reconcile\` once, then start them again`,
    );
  }

  #publish(generation: Generation, keys: ReadonlySet<string>, backends: ReadonlySet<string>): void {
    this.#generation = generation;
    this.#cache.invalidate(backends);
    if (this.#firstPass) for (const key of keys) this.#queue.add(key);
    this.#generationArrived();
  }

  async #resyncAll(): Promise<void> {
    await this.#sync.reload('resync');
    this.#cache.invalidateAll();
    const keys = this.#knownKeys();
    for (const key of keys) this.#queue.add(key);
    this.#log.info({ keys: keys.length }, 'resync');
  }

  #onHint(backend: string, hint: ObserveHint): void {
    this.#metrics.eventHints.inc({ backend });
    const keys = 'all' in hint ? this.#knownKeys(backend) : [...new Set(hint.keys.map(resourceKeyOf))].filter((key) => this.#owns(key));
    // A replica ignores hints about other replicas' resources: what it caches of its own is still true.
    if (this.#replica && !('all' in hint) && keys.length === 0) return;
    this.#cache.invalidate([backend]);
    for (const key of keys) this.#queue.add(key);
    this.#log.debug({ backend, keys }, 'backend-event');
  }

  #onLeaseDue(key: string, backend: string): void {
    if (!this.#owns(key)) return;
    this.#cache.invalidate([backend]);
    this.#queue.add(key);
    this.#log.info({ key, backend }, 'lease-due');
  }

  #knownKeys(backend?: string): string[] {
    return knownKeys(this.#generation, this.#shared!.snapshot, this.#cache.latest(), backend).filter((key) => this.#owns(key));
  }

  /** owns: the resource is this controller's to reconcile (always, unless it is a sharded replica). */
  #owns(key: string): boolean {
    return this.#replica?.owns(key) ?? true;
  }

  /** onShardsGained queues the resources of shards just claimed; the next pass runs driver recovery for them. */
  #onShardsGained(shards: number[]): void {
    if (!this.#firstPass) return; // the first pass covers everything held by then
    const gained = new Set(shards);
    this.#cache.invalidateAll();
    this.#reconciler?.requestRecovery();
    for (const key of this.#knownKeys()) if (gained.has(shardOfKey(key))) this.#queue.add(key);
  }

  /** appliedReport is what a replica reports converged: every desired resource of its shards Ready. */
  #appliedReport(): { manifestsDigest: string; revision?: string } | undefined {
    const generation = this.#generation;
    if (!generation || !this.#reconciler || this.#drain.signal.aborted) return undefined;
    const mine = [...generation.resources.keys()].filter((key) => this.#owns(key));
    if (!this.#reconciler.board.allReady(mine)) return undefined;
    return { manifestsDigest: generation.manifests.digest, ...(generation.revision ? { revision: generation.revision } : {}) };
  }

  #lockLost(): boolean {
    const reason = this.#lock?.signal.aborted ? (this.#lock.signal.reason as { code?: string; message?: string } | undefined) : undefined;
    if (reason?.code !== 'LEASE_LOST') return false;
    if (this.#phase !== 'stopping') {
      this.#log.error({ reason: reason.message }, 'state lock lost: stopping without further changes');
      void this.stop('lock lost', 5);
    }
    return true;
  }

  /** resourceReadiness feeds converge_resource_ready and the last-success gauge: desired or reconciled resources. */
  #resourceReadiness(): Array<{ resource: string; ready: boolean; lastSuccessAt?: string }> {
    const board = this.#reconciler?.board;
    const keys = new Set([...(this.#generation?.resources.keys() ?? []), ...(board?.keys() ?? [])]);
    return [...keys].filter((key) => this.#owns(key)).sort().map((resource) => {
      const record = board?.get(resource);
      return { resource, ready: record?.ready.status === 'True', ...(record?.lastConvergedAt ? { lastSuccessAt: record.lastConvergedAt } : {}) };
    });
  }

  #health(): { ok: boolean; detail: string } {
    const lost = (this.#lock?.signal.reason as { code?: string } | undefined)?.code === 'LEASE_LOST';
    return { ok: this.#phase !== 'stopping' && !lost, detail: lost ? 'state lock lost' : this.#phase };
  }

  #status(): StatusDocument {
    const o = this.#o;
    const state = this.#shared!.snapshot;
    return statusDocument({
      controller: { version: o.version, phase: this.#phase, startedAt: this.#startedAt, pid: process.pid, owner: state.owner, workers: o.workers, resyncMs: o.resyncMs },
      dir: o.dir,
      manifests: this.#sync.report,
      generation: this.#generation,
      state,
      board: this.#reconciler!.board,
      observed: this.#cache.latest(),
      queue: { depth: this.#queue.depth, inFlight: this.#queue.inFlight, delayed: this.#queue.delayed },
      leaseChecks: this.#leases.scheduled(),
      ...(this.#replica ? { replica: this.#replica.status(), owns: (key: string) => this.#owns(key) } : {}),
    });
  }

  async #shutdown(reason: string, exitCode: number): Promise<number> {
    this.#phase = 'stopping';
    this.#log.info({ reason, graceMs: this.#o.graceMs }, 'stopping');
    this.#resync?.stop();
    this.#leases.stop();
    this.#queue.shutDown();
    this.#drain.abort();
    await Promise.allSettled([this.#watcher?.close(), this.#events.stop()]);
    const finished = await Promise.race([this.#running.then(() => true), sleep(this.#o.graceMs, false, { ref: false })]);
    if (!finished) {
      this.#log.warn({ graceMs: this.#o.graceMs }, 'grace period over: aborting calls in flight (their journal intents stay for the next run)');
      this.#hard.abort();
      await this.#running;
    } else if (this.#store) await this.#store.journal.compact().catch(() => undefined);
    await this.#sync.settled(); // a reload in progress must not reopen drivers after they are closed
    await this.#close();
    this.#log.info({ exitCode }, 'stopped');
    return exitCode;
  }

  async #close(): Promise<void> {
    this.#resync?.stop();
    await Promise.allSettled([this.#watcher?.close(), this.#events.stop()]);
    await this.#drivers.closeAll();
    await this.#http?.close();
    await this.#lock?.release();
    await this.#replica?.close();
  }
}

function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
}
