/**
 * Reconciler runs passes for the controller and settles what they conclude, per resource: the
 * status board, the metrics, and the queue (success forgets the key's backoff; a retryable
 * failure or a resource still progressing is queued again after its backoff; a final failure
 * waits for a change or the resync). Once every desired resource is Ready it records
 * `lastApplied` with the manifests' digest and git revision. Journal compaction runs only when
 * no other pass is in flight, so no pass's open intent or fresh outcome is ever dropped.
 */
import type { StateStore } from '../../state/types.js';
import type { ControllerOptions } from '../controller-options.js';
import type { Generation } from '../generation.js';
import type { Logger } from '../log/json-log.js';
import type { ControllerMetrics } from '../metrics/controller-metrics.js';
import type { ObservationCache } from '../observation-cache.js';
import type { PassGate } from '../pass-gate.js';
import type { WorkQueue } from '../queue/work-queue.js';
import type { PassState } from '../shared-state.js';
import type { ResourceOutcome } from '../status/conditions.js';
import { StatusBoard } from '../status/status-board.js';
import { EventHistory } from '../events/event-history.js';
import { recordOutcome, recordResumed } from '../events/outcome-events.js';
import { DriftTracker } from './drift-tracker.js';
import { runPass, type PassDeps, type PassSummary } from './run-pass.js';
import { selectedScope } from './selected-scope.js';

export interface ReconcilerDeps {
  options: ControllerOptions;
  log: Logger;
  metrics: ControllerMetrics;
  cache: ObservationCache;
  queue: WorkQueue;
  gate: PassGate;
  shared: PassState;
  store: StateStore;
  hard: AbortSignal;
  drain: AbortSignal;
  generation(): Generation | undefined;
  /** knownKeys lists every resource key desired, recorded or observed. */
  knownKeys(): string[];
  /** mayAct is false once the controller must not change anything (lock lost, stopping). */
  mayAct(): boolean;
  /**
   * tenure (sharded replicas) holds the shards of a pass's keys: the pass is aborted when one is
   * lost and drained when one is handed over; `end` is called when the pass is over.
   */
  tenure?(keys: readonly string[]): { signal: AbortSignal; stop: AbortSignal; end(): void };
}

export class Reconciler {
  readonly board = new StatusBoard();
  /** history is the ring of recent events served at /events. */
  readonly history = new EventHistory();
  readonly #drift = new DriftTracker();
  readonly #pass: PassDeps;
  #passes = 0;
  #recoverNext = false;

  constructor(private readonly deps: ReconcilerDeps) {
    const o = deps.options;
    this.#pass = {
      dir: o.dir,
      shared: deps.shared,
      cache: deps.cache,
      drift: this.#drift,
      history: this.history,
      metrics: deps.metrics,
      log: deps.log,
      settings: { waitMs: o.passWaitMs, pollMs: o.pollMs, prune: o.prune, ...(o.maxDestroy !== undefined ? { maxDestroy: o.maxDestroy } : {}), parallelism: o.parallelism, generator: o.generator },
      hard: deps.hard,
      drain: deps.drain,
    };
  }

  /** requestRecovery makes the next pass run driver recovery over every recent intent (shards were gained). */
  requestRecovery(): void {
    this.#recoverNext = true;
  }

  /** reconcile runs one pass over `scope` (undefined: everything) and settles it; never throws. */
  async reconcile(keys: readonly string[], scope: ReadonlySet<string> | undefined, recover: boolean): Promise<void> {
    if (!this.deps.mayAct()) return;
    await this.deps.gate.enter();
    const tenure = this.deps.tenure?.(keys);
    try {
      const generation = this.deps.generation();
      if (!generation) return;
      // --target / -l: resources outside the selection are left alone.
      const selected = selectedScope(generation.manifests, this.deps.options.selection, keys, scope);
      if (!selected) return;
      ({ keys, scope } = selected);
      const id = ++this.#passes;
      // Suspended resources get no pass at all: they are reported suspended and left alone.
      const suspended = keys.filter((key) => generation.suspended.has(key));
      const active = keys.filter((key) => !generation.suspended.has(key));
      if (scope && active.length === 0) return this.#afterPass(id, generation, { outcomes: suspendedOutcomes(suspended), durationMs: 0, mutatingCalls: 0 });
      for (const key of active) if (this.board.get(key)?.ready.reason === 'Suspended') recordResumed(this.history, key);
      const recoverNow = recover || this.#recoverNext;
      this.#recoverNext = false;
      this.deps.log.debug({ pass: id, keys: active }, 'pass-start');
      const signals = tenure ? { signal: AbortSignal.any([this.deps.hard, tenure.signal]), stop: AbortSignal.any([this.deps.drain, tenure.stop]) } : {};
      const summary = await runPass(this.#pass, generation, { id, scope: scope && new Set(active), keys: active, recover: recoverNow, ...signals });
      await this.#afterPass(id, generation, { ...summary, outcomes: [...summary.outcomes.filter((o) => !generation.suspended.has(o.key)), ...suspendedOutcomes(suspended)] });
    } catch (error) {
      this.deps.log.error({ keys, error: (error as Error).message }, 'pass-error');
    } finally {
      tenure?.end();
      this.deps.gate.leave();
    }
  }

  async #afterPass(id: number, generation: Generation, summary: PassSummary): Promise<void> {
    const at = new Date().toISOString();
    for (const outcome of summary.outcomes) this.#settle(outcome, summary.durationMs, at);
    const results = Object.fromEntries(summary.outcomes.map((o) => [o.key, o.result]));
    this.deps.log.info({ pass: id, durationMs: summary.durationMs, mutatingCalls: summary.mutatingCalls, results }, 'pass-done');
    await this.#recordLastApplied(generation);
    if (summary.mutatingCalls > 0 && this.deps.gate.inside === 1 && !this.deps.hard.aborted) await this.deps.store.journal.compact();
  }

  /** settle records one resource's outcome and decides its requeue (level-based: the key only). */
  #settle(outcome: ResourceOutcome, durationMs: number, at: string): void {
    const { queue, metrics, log } = this.deps;
    const kind = outcome.key.split('/')[0] ?? '';
    const before = this.board.get(outcome.key);
    this.board.record(outcome, at);
    recordOutcome(this.history, outcome, at);
    if (outcome.result === 'suspended' && before?.ready.reason !== 'Suspended') log.info({ key: outcome.key }, 'suspended');
    metrics.reconciles.inc({ kind, result: outcome.result });
    metrics.reconcileSeconds.observe({ kind, result: outcome.result }, durationMs / 1000);
    if (outcome.result === 'converged' || outcome.result === 'released' || outcome.result === 'suspended') queue.forget(outcome.key);
    else {
      const delayMs = outcome.retryable && !this.deps.drain.aborted ? queue.retry(outcome.key) : undefined;
      const level = outcome.result === 'pending' ? 'info' : 'warn';
      log[level]({ key: outcome.key, result: outcome.result, code: outcome.code, error: outcome.message, retryInMs: delayMs ?? null }, 'not-converged');
    }
    if (outcome.result === 'released' && !this.deps.knownKeys().includes(outcome.key)) this.board.drop(outcome.key);
  }

  /** recordLastApplied writes lastApplied (with the git revision) once every desired resource is Ready. */
  async #recordLastApplied(generation: Generation): Promise<void> {
    if (generation !== this.deps.generation() || !this.board.allReady(generation.resources.keys())) return;
    const last = this.deps.shared.snapshot.lastApplied;
    if (last?.manifestsDigest === generation.manifests.digest && last.revision === generation.revision) return;
    const lastApplied = { manifestsDigest: generation.manifests.digest, at: new Date().toISOString(), ...(generation.revision ? { revision: generation.revision } : {}) };
    await this.deps.shared.setLastApplied(lastApplied);
    this.deps.log.info({ revision: generation.revision ?? null, digest: generation.manifests.digest }, 'applied');
  }
}

function suspendedOutcomes(keys: readonly string[]): ResourceOutcome[] {
  return keys.map((key) => ({ key, result: 'suspended' }));
}
