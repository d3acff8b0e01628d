/**
 * runPass is one worker pass: the same converge loop `reconcile` runs, scoped to the resource
 * keys taken from the queue, on the current generation's drivers and desired objects, with
 * watch mode's observation cache and shared state view. It never throws: what it concluded per
 * resource comes back as outcomes for the status board, the metrics and the queue.
 */
import type { DesiredObject } from '../../backends/driver.js';
import { converge } from '../../engine/converge.js';
import { asConvergeError } from '../../errors/converge-error.js';
import type { EventSink } from '../../engine/events.js';
import { RunStats } from '../../engine/run-stats.js';
import type { Workspace } from '../../engine/workspace.js';
import type { Generation } from '../generation.js';
import type { EventHistory } from '../events/event-history.js';
import { describeDrift } from '../log/drift-fields.js';
import { eventLog } from '../log/event-log.js';
import type { Logger } from '../log/json-log.js';
import type { ControllerMetrics } from '../metrics/controller-metrics.js';
import type { ObservationCache } from '../observation-cache.js';
import type { PassState } from '../shared-state.js';
import type { ResourceOutcome } from '../status/conditions.js';
import type { DriftTracker } from './drift-tracker.js';
import { outcomesFromError, outcomesFromReport } from './pass-outcomes.js';

export interface PassSettings {
  /** waitMs bounds how long one pass waits for progressing objects before requeueing them. */
  waitMs: number;
  pollMs: number;
  prune: boolean;
  maxDestroy?: number;
  parallelism: number;
  generator: string;
}

export interface PassDeps {
  dir: string;
  shared: PassState;
  cache: ObservationCache;
  drift: DriftTracker;
  metrics: ControllerMetrics;
  log: Logger;
  settings: PassSettings;
  /** history receives the drift-detected events. */
  history: EventHistory;
  /** hard aborts calls in flight; drain lets them finish and starts nothing new. */
  hard: AbortSignal;
  drain: AbortSignal;
}

export interface PassRequest {
  id: number;
  /** scope is the resource keys to reconcile; undefined reconciles everything (first pass). */
  scope: ReadonlySet<string> | undefined;
  /** keys are reported on even when nothing of them is desired or live any more. */
  keys: readonly string[];
  /** recover runs journal recovery first (the controller's first pass only). */
  recover: boolean;
  /** signal and stop replace PassDeps' hard and drain for this pass (a replica's shard tenure joins them). */
  signal?: AbortSignal;
  stop?: AbortSignal;
}

export interface PassSummary {
  outcomes: ResourceOutcome[];
  durationMs: number;
  mutatingCalls: number;
}

export async function runPass(deps: PassDeps, generation: Generation, request: PassRequest): Promise<PassSummary> {
  const started = Date.now();
  const stats = new RunStats();
  const failureKinds = new Map<string, string>();
  const desiredByKey = new Map(generation.desired.map((d) => [d.key, d]));
  const ws: Workspace = {
    dir: deps.dir,
    manifests: generation.manifests,
    store: deps.shared.view(request.scope),
    backends: generation.backends,
    drivers: generation.drivers,
    desired: generation.desired,
    stats,
    close: async () => undefined,
  };
  let outcomes: ResourceOutcome[];
  try {
    const report = await converge(ws, convergeOptions(deps, generation, request, passSink(deps, request.id, generation, failureKinds)));
    outcomes = outcomesFromReport(report, request.keys, failureKinds);
    deps.drift.converged(report.objects.filter((o) => o.result === 'converged').flatMap((o) => desiredByKey.get(o.key) ?? []));
  } catch (thrown) {
    outcomes = outcomesFromError(asConvergeError(thrown), request.keys);
  }
  return { outcomes, durationMs: Date.now() - started, mutatingCalls: stats.mutatingCalls() };
}

function convergeOptions(deps: PassDeps, generation: Generation, request: PassRequest, sink: EventSink): Parameters<typeof converge>[1] {
  const { settings } = deps;
  return {
    waitMs: settings.waitMs,
    pollMs: settings.pollMs,
    prune: (backend) => settings.prune || Boolean(generation.backends.get(backend)?.spec.prune),
    globalLimit: settings.parallelism,
    // Each resource is held to --max-destroy on its own: one refusal never blocks the others.
    ...(settings.maxDestroy !== undefined ? { maxDestroy: settings.maxDestroy, destroyLimit: 'resource' as const } : {}),
    signal: request.signal ?? deps.hard,
    stop: request.stop ?? deps.drain,
    sink,
    generator: settings.generator,
    ...(generation.revision ? { revision: generation.revision } : {}),
    ...(request.scope ? { scope: request.scope } : {}),
    observations: deps.cache,
    recoverJournal: request.recover,
    compactJournal: false,
  };
}

/** passSink logs the pass's events, names what drifted, and notes drift corrections and the kinds of failures. */
function passSink(deps: PassDeps, pass: number, generation: Generation, failureKinds: Map<string, string>): EventSink {
  const log = eventLog(deps.log, { pass });
  const desired = new Map(generation.desired.map((d) => [d.key, d]));
  return {
    emit(event) {
      log.emit(event);
      if (event.type === 'action-failed') failureKinds.set(event.key, event.kind);
      if (event.type === 'action-start') return driftDetected(deps, pass, generation, desired.get(event.key));
      if (event.type !== 'action-done') return;
      if (event.action === 'delete') return deps.drift.forget(event.key);
      const object = desired.get(event.key);
      if (event.action !== 'noop' && object && deps.drift.isCorrection(object)) {
        deps.metrics.driftCorrections.inc({ kind: object.kind });
        deps.log.info({ pass, key: event.key, action: event.action }, 'drift-corrected');
      }
    },
  };
}

/**
 * driftDetected logs and records what drifted when an action is about to restore a spec the
 * object had converged to, from the observation the pass planned with (the cache's latest).
 */
function driftDetected(deps: PassDeps, pass: number, generation: Generation, object: DesiredObject | undefined): void {
  if (!object || !deps.drift.isCorrection(object)) return;
  const observed = deps.cache.latest().get(object.backend)?.objects.find((o) => o.key === object.key);
  const drift = describeDrift(object, observed, generation.drivers.get(object.backend)?.hooks);
  const fields = drift.fields.map((f) => ({ path: f.path, desired: f.after ?? null, live: f.before ?? null }));
  deps.log.info({ pass, key: object.key, resource: drift.resource, object: drift.object, fields, drift: drift.text }, 'drift-detected');
  deps.history.add(drift.resource, 'drift-detected', 'DriftDetected', drift.text);
}
