/**
 * converge is the level-triggered loop of DESIGN §3: observe, plan, apply, and again, until the
 * plan is empty and every object is ready, or the deadline passes. Multi-step states (IM running
 * → configured) and drift are handled by the same loop rather than by special cases.
 *
 * Per key: a TRANSIENT or CONFLICT failure is retried on a later pass, after a fresh observation
 * and a capped backoff, up to `maxAttempts`; any other failure is final for this run and the key
 * is left alone while the others go on. A saved plan is applied only if nothing it was computed
 * from has changed (manifests digest, observed digest); otherwise the run is blocked (exit 6).
 *
 * Watch mode reuses the same loop: `scope` limits it to some resources, `observations` serves
 * cached observations (invalidated here after every apply and before every readiness poll), and
 * `stop` drains it: actions in flight finish, nothing new starts.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ConvergeError } from '../errors/converge-error.js';
import { planChanges } from '../plan/plan-changes.js';
import type { Plan } from '../plan/types.js';
import type { StateSnapshot } from '../state/types.js';
import { fingerprint } from '../util/json.js';
import { backoffDelay, DEFAULT_BACKOFF } from './backoff.js';
import type { EventSink } from './events.js';
import { executePlan, type ActionOutcome } from './executor.js';
import type { Observation } from './observe/observe-all.js';
import { buildReport } from './build-report.js';
import type { RunReport } from './report.js';
import { recordObservation, recordOutcomes } from './state-sync.js';
import { checkPlan } from './check-plan.js';
import { freshObservations, type ObservationSource } from './observe/observation-source.js';
import { inScope } from './scope.js';
import { scopeWithoutSuspended, SUSPENDED_MESSAGE, suspendedResources } from './suspend.js';
import { AppliedCount } from './applied-count.js';
import { DestroyBudget, type DestroyLimitScope } from './destroy-budget.js';
import { survey, type Survey } from './survey.js';
import { planFromSurvey, settleGraceFor } from './plan-pass.js';
import type { Workspace } from './workspace.js';

export interface ConvergeOptions {
  waitMs: number;
  pollMs?: number;
  prune: (backend: string) => boolean;
  globalLimit: number;
  maxDestroy?: number;
  /** destroyLimit: `run` (default) refuses the whole plan above maxDestroy; `resource` holds back only the resources above it (destroy-budget.ts). */
  destroyLimit?: DestroyLimitScope;
  maxAttempts?: number;
  savedPlan?: Plan;
  signal: AbortSignal;
  sink: EventSink;
  generator: string;
  revision?: string;
  now?: () => Date;
  /** scope limits the run to these resource keys (`Kind/name`); absent: every resource. */
  scope?: ReadonlySet<string>;
  /** observations supplies each pass's observation (default: read every backend every pass). */
  observations?: ObservationSource;
  /** stop, once aborted, starts no new pass or action; actions in flight finish (`signal` aborts them). */
  stop?: AbortSignal;
  /**
   * recoverJournal (default true) runs driver recovery and settles open intents on the first
   * pass. A controller turns it off for passes that may run beside others with calls in flight.
   */
  recoverJournal?: boolean;
  /** compactJournal (default true) compacts the journal at the end of the run. */
  compactJournal?: boolean;
  /** replace names live object keys to replace once in this run, even without a change (`--replace`). */
  replace?: ReadonlySet<string>;
  /** destroy deletes (or lets go, deletionPolicy Orphan) what the resources in scope own (`converge destroy`). */
  destroy?: boolean;
}

interface LoopState {
  state: StateSnapshot;
  failed: Map<string, ConvergeError>;
  attempts: Map<string, number>;
  /** applied counts, per action signature, how often the same action was applied and done. */
  applied: AppliedCount;
  budget: DestroyBudget;
  deleted: Set<string>;
  released: Set<string>;
  /** replaced are the keys whose requested replacement (`--replace`) is done. */
  replaced: Set<string>;
  /** written is the fingerprint of the state as last stored, to skip writes that change nothing. */
  written: string;
}

export async function converge(ws: Workspace, options: ConvergeOptions): Promise<RunReport> {
  const started = Date.now();
  const now = options.now ?? (() => new Date());
  const deadline = started + options.waitMs;
  const initial = await ws.store.read();
  options = withoutSuspended(ws, initial, options);
  const loop: LoopState = { state: initial, failed: new Map(), attempts: new Map(), applied: new AppliedCount(), budget: new DestroyBudget(options.maxDestroy, options.destroyLimit), deleted: new Set(), released: new Set(), replaced: new Set(), written: contentFingerprint(initial) };
  // The owner marker written into backends comes from the state: persist it before any mutation,
  // so a crash during the first run cannot leave objects marked with an owner nobody remembers.
  if (initial.serial === 0) await saveState(ws, loop);
  let observation: Observation | undefined;
  let plan: Plan | undefined;
  let pass = 0;
  let transientStreak = 0;
  const source = options.observations ?? freshObservations;
  const halted = options.stop ? AbortSignal.any([options.signal, options.stop]) : options.signal;

  while (!halted.aborted) {
    pass += 1;
    const step = await observeAndPlan(ws, loop, options, source, pass, now);
    ({ observation, plan } = step);
    const actionable = plan.actions.filter((a) => a.action !== 'noop' && !loop.failed.has(a.key));
    if (actionable.length === 0) {
      const progressing = settlePending(plan, loop);
      if (progressing.length === 0 || Date.now() >= deadline) break;
      options.sink.emit({ type: 'waiting', objects: progressing, remainingMs: deadline - Date.now() });
      source.invalidate(progressing.flatMap((p) => step.observation.byKey.get(p.key)?.backend ?? []));
      await sleep(options.pollMs ?? 1000, undefined, { signal: halted }).catch(() => undefined);
      continue;
    }
    const outcomes = await executePlan(plan, executeOptions(ws, observation, loop, options));
    source.invalidate(actionable.map((a) => a.backend));
    recordOutcomes(loop.state, outcomes, now());
    await saveState(ws, loop);
    const anyTransient = classifyFailures(outcomes, loop, ws, options.maxAttempts ?? DEFAULT_BACKOFF.attempts);
    failUnchanged(outcomes, loop);
    for (const o of outcomes) if (o.status === 'done' && o.action.action === 'delete') loop.deleted.add(o.action.key);
    for (const o of outcomes) if (o.status === 'done' && o.action.action === 'forget') loop.released.add(o.action.key);
    for (const o of outcomes) if (o.status === 'done' && o.action.action === 'replace') loop.replaced.add(o.action.key);
    if (Date.now() >= deadline) break;
    transientStreak = anyTransient ? transientStreak + 1 : 0;
    if (anyTransient) await sleep(backoffDelay(transientStreak, DEFAULT_BACKOFF), undefined, { signal: halted }).catch(() => undefined);
  }
  return finish(ws, loop, plan, observation, options, { pass, started, now: now() });
}

/** withoutSuspended scopes the run away from suspended resources and says so once (engine/suspend.ts). */
function withoutSuspended(ws: Workspace, state: StateSnapshot, options: ConvergeOptions): ConvergeOptions {
  const scope = scopeWithoutSuspended(ws.manifests, state, options.scope);
  if (scope === options.scope) return options;
  for (const key of suspendedResources(ws.manifests)) {
    if (!options.scope || options.scope.has(key)) options.sink.emit({ type: 'warning', key, code: 'SUSPENDED', message: SUSPENDED_MESSAGE });
  }
  return { ...options, ...(scope ? { scope } : {}) };
}

/** observeAndPlan is the first half of a pass: survey (recover, observe, settle), record, plan, check. */
async function observeAndPlan(
  ws: Workspace,
  loop: LoopState,
  options: ConvergeOptions,
  source: ObservationSource,
  pass: number,
  now: () => Date,
): Promise<{ observation: Observation; plan: Plan }> {
  options.sink.emit({ type: 'pass', pass });
  const recover = pass === 1 && (options.recoverJournal ?? true) ? 'recent' : 'unsettled';
  const looked: Survey = await survey({
    drivers: ws.drivers,
    journal: ws.store.journal,
    state: loop.state,
    desired: ws.desired,
    signal: options.signal,
    sink: options.sink,
    stats: ws.stats,
    now: now(),
    recover,
    settle: true,
    source,
    persist: () => saveState(ws, loop),
    graceMs: settleGraceFor(ws),
  });
  const { observation } = looked;
  markUnavailable(ws, observation, loop);
  // A destroy wants nothing: observation must not record again what it lets go (external objects).
  recordObservation(loop.state, observation, options.destroy ? [] : ws.desired, now());
  // A replacement is asked for once: later passes converge the new object as usual.
  const replace = options.replace && new Set([...options.replace].filter((k) => !loop.replaced.has(k)));
  let plan = planFromSurvey(ws, looked, loop.state, { prune: options.prune, scope: options.scope, generator: options.generator, now: now(), replace, destroy: options.destroy });
  if (pass === 1 && options.savedPlan) plan = checkSavedPlan(options.savedPlan, plan);
  if (!options.destroy) checkPlan(ws, observation, options.scope);
  for (const [key, refusal] of loop.budget.check(plan, loop.failed)) loop.failed.set(key, refusal);
  options.sink.emit({ type: 'planned', pass, summary: plan.summary, leftAlone: (plan.leftAlone ?? []).length });
  return { observation, plan };
}

function checkSavedPlan(saved: Plan, fresh: Plan): Plan {
  if (saved.manifestsDigest !== fresh.manifestsDigest) {
    throw new ConvergeError('CONFLICT', 'STALE_PLAN', 'the saved plan is stale: the manifests changed since it was made; run `converge plan` again');
  }
  if (saved.observedDigest !== fresh.observedDigest) {
    throw new ConvergeError('CONFLICT', 'STALE_PLAN', 'the saved plan is stale: the live infrastructure changed since it was made; run `converge plan` again');
  }
  return saved;
}

function markUnavailable(ws: Workspace, observation: Observation, loop: LoopState): void {
  for (const d of ws.desired) {
    const error = observation.unavailable.get(d.backend);
    if (error && !error.retryable) loop.failed.set(d.key, error);
  }
}

/** settlePending marks degraded/failed objects as final and returns those still progressing. */
function settlePending(plan: Plan, loop: LoopState): Plan['pending'] {
  const progressing: Plan['pending'] = [];
  for (const p of plan.pending) {
    if (loop.failed.has(p.key)) continue;
    if (p.phase === 'progressing') progressing.push(p);
    else loop.failed.set(p.key, new ConvergeError('TERMINAL', p.code ?? (p.phase === 'failed' ? 'OBJECT_FAILED' : 'OBJECT_DEGRADED'), p.message ?? p.phase));
  }
  return progressing;
}

function classifyFailures(outcomes: ActionOutcome[], loop: LoopState, ws: Workspace, maxAttempts: number): boolean {
  let anyTransient = false;
  for (const o of outcomes) {
    if (o.status !== 'failed' || !o.error) continue;
    const retryable = o.error.kind === 'TRANSIENT' || o.error.kind === 'CONFLICT';
    const attempts = (loop.attempts.get(o.action.key) ?? 0) + 1;
    loop.attempts.set(o.action.key, attempts);
    if (retryable && attempts < maxAttempts) {
      anyTransient = true;
      ws.stats.recordRetry(String(o.error.details.method ?? o.action.action), o.error.code);
    } else {
      loop.failed.set(o.action.key, o.error);
    }
  }
  return anyTransient;
}

/** MAX_SAME_ACTION: applying one action this often, each time "done", without effect, is a bug. */
const MAX_SAME_ACTION = 3;

/**
 * failUnchanged stops a key whose identical action keeps succeeding while observation keeps
 * showing the same difference (a driver that reports success without effect, or a backend that
 * silently ignores the change): the run reports it instead of spinning until --wait runs out.
 */
function failUnchanged(outcomes: readonly ActionOutcome[], loop: LoopState): void {
  for (const { action, status } of outcomes) {
    if (status !== 'done' || action.action === 'noop') continue;
    const count = loop.applied.add(action);
    if (count >= MAX_SAME_ACTION) {
      loop.failed.set(action.key, new ConvergeError('TERMINAL', 'NO_PROGRESS', `${action.action} of ${action.key} was applied ${count} times and reported done, but the backend still shows the same difference (${action.reason})`));
    }
  }
}

function executeOptions(ws: Workspace, observation: Observation, loop: LoopState, options: ConvergeOptions) {
  return {
    drivers: ws.drivers,
    observed: observation.byKey,
    journal: ws.store.journal,
    owner: loop.state.owner,
    signal: options.signal,
    sink: options.sink,
    stats: ws.stats,
    globalLimit: options.globalLimit,
    backendLimit: (backend: string) => ws.backends.get(backend)?.spec.limits.concurrency ?? 8,
    skip: new Map([...loop.failed].map(([k, e]) => [k, `failed earlier in this run: ${e.message}`])),
    ...(options.stop ? { stop: options.stop } : {}),
  };
}

async function finish(
  ws: Workspace,
  loop: LoopState,
  plan: Plan | undefined,
  observation: Observation | undefined,
  options: ConvergeOptions,
  run: { pass: number; started: number; now: Date },
): Promise<RunReport> {
  const report = buildReport({ ws, plan, observation, failed: loop.failed, deleted: loop.deleted, released: loop.released, passes: run.pass, started: run.started, scope: options.scope, destroy: options.destroy });
  // A scoped run speaks for its resources only; the controller records the whole set's apply.
  if (report.outcome === 'converged' && !options.scope && !options.destroy) {
    loop.state.lastApplied = { manifestsDigest: ws.manifests.digest, at: run.now.toISOString(), ...(options.revision ? { revision: options.revision } : {}) };
  }
  await saveState(ws, loop);
  if (options.compactJournal ?? true) await ws.store.journal.compact();
  return report;
}

async function saveState(ws: Workspace, loop: LoopState): Promise<void> {
  const current = contentFingerprint(loop.state);
  if (current === loop.written && loop.state.serial > 0) return;
  loop.state = await ws.store.write(loop.state, loop.state.serial);
  loop.written = current;
}

function contentFingerprint(state: StateSnapshot): string {
  const { serial: _serial, ...content } = state;
  return fingerprint(content);
}
