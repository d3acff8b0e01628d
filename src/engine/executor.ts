/**
 * executePlan runs a plan's actions over its dependency graph: an action starts when everything
 * it depends on is done; when a dependency failed it is skipped; independent actions go on when
 * one fails. Concurrency is bounded globally and per backend. Each action runs once per pass:
 * retrying after a TRANSIENT failure is the converge loop's job, after a fresh observation.
 */
import type { ApplyContext, ApplyResult, Driver, ObservedObject } from '../backends/driver.js';
import { asConvergeError, ConvergeError } from '../errors/converge-error.js';
import type { Plan, PlannedAction } from '../plan/types.js';
import type { IntentAction, Journal } from '../state/types.js';
import { makeApplyContext } from './apply-context.js';
import type { EventSink } from './events.js';
import { Semaphore } from './semaphore.js';
import type { RunStats } from './run-stats.js';
import { PartialResultError } from '../backends/partial-result.js';

export type ActionStatus = 'done' | 'failed' | 'skipped';

export interface ActionOutcome {
  action: PlannedAction;
  status: ActionStatus;
  ids?: Record<string, string>;
  extra?: Record<string, unknown>;
  error?: ConvergeError;
}

export interface ExecuteOptions {
  drivers: ReadonlyMap<string, Driver>;
  observed: ReadonlyMap<string, ObservedObject>;
  journal: Journal;
  owner: string;
  signal: AbortSignal;
  sink: EventSink;
  stats: RunStats;
  globalLimit: number;
  backendLimit: (backend: string) => number;
  /** skip holds keys not to act on this pass (failed terminally earlier), with the reason. */
  skip: ReadonlyMap<string, string>;
  /** stop, once aborted, starts no further action (they are skipped); actions in flight finish. */
  stop?: AbortSignal;
}

export async function executePlan(plan: Plan, options: ExecuteOptions): Promise<ActionOutcome[]> {
  const global = new Semaphore(options.globalLimit);
  const perBackend = new Map<string, Semaphore>();
  const limiterFor = (backend: string): Semaphore => {
    let s = perBackend.get(backend);
    if (!s) perBackend.set(backend, (s = new Semaphore(options.backendLimit(backend))));
    return s;
  };
  const byKey = new Map(plan.actions.map((a) => [a.key, a]));
  const running = new Map<string, Promise<ActionOutcome>>();

  const run = (action: PlannedAction): Promise<ActionOutcome> => {
    let promise = running.get(action.key);
    if (!promise) {
      promise = (async () => {
        const deps = action.dependsOn.map((k) => byKey.get(k)).filter((a): a is PlannedAction => a !== undefined);
        const results = await Promise.all(deps.map(run));
        const failedDep = results.find((r) => r.status !== 'done');
        if (failedDep) return skipped(action, `depends on ${failedDep.action.key}, which ${failedDep.status === 'failed' ? 'failed' : 'was skipped'}`, options);
        const reason = options.skip.get(action.key);
        if (reason) return skipped(action, reason, options);
        if (action.action === 'noop') return { action, status: 'done' as const };
        return global.run(() =>
          limiterFor(action.backend).run(() => (options.stop?.aborted ? Promise.resolve(skipped(action, 'shutting down', options)) : runAction(action, options))),
        );
      })();
      running.set(action.key, promise);
    }
    return promise;
  };
  return Promise.all(plan.actions.map(run));
}

function skipped(action: PlannedAction, reason: string, options: ExecuteOptions): ActionOutcome {
  if (action.action !== 'noop') options.sink.emit({ type: 'action-skipped', key: action.key, action: action.action, reason });
  return { action, status: 'skipped', error: new ConvergeError('TERMINAL', 'SKIPPED', reason) };
}

async function runAction(action: PlannedAction, options: ExecuteOptions): Promise<ActionOutcome> {
  const driver = options.drivers.get(action.backend);
  const started = Date.now();
  options.sink.emit({ type: 'action-start', key: action.key, action: action.action });
  try {
    if (!driver) throw new ConvergeError('TERMINAL', 'BACKEND_UNAVAILABLE', `backend ${action.backend} is not available`);
    const ctx = (intentAction: IntentAction) =>
      makeApplyContext({ key: action.key, backend: action.backend, action: intentAction, owner: options.owner, journal: options.journal, signal: options.signal, sink: options.sink, stats: options.stats });
    const result = await performAction(action, driver, options.observed.get(action.key), ctx);
    options.sink.emit({ type: 'action-done', key: action.key, action: action.action, ms: Date.now() - started });
    return { action, status: 'done', ...(result?.ids ? { ids: result.ids } : {}), ...(result?.extra ? { extra: result.extra } : {}) };
  } catch (thrown) {
    const error = asConvergeError(thrown);
    options.sink.emit({
      type: 'action-failed',
      key: action.key,
      action: action.action,
      kind: error.kind,
      code: error.code,
      message: error.message,
      willRetry: error.kind === 'TRANSIENT' || error.kind === 'CONFLICT',
    });
    const partial = thrown instanceof PartialResultError ? { extra: thrown.extra } : {};
    return { action, status: 'failed', error, ...partial };
  }
}

async function performAction(
  action: PlannedAction,
  driver: Driver,
  observed: ObservedObject | undefined,
  ctx: (action: IntentAction) => ApplyContext,
): Promise<ApplyResult | undefined> {
  const desired = () => ({
    key: action.key,
    resource: action.resource,
    kind: action.kind,
    backend: action.backend,
    spec: action.desired ?? {},
    deletionPolicy: action.deletionPolicy,
    dependsOn: action.dependsOn,
  });
  switch (action.action) {
    case 'create':
      return driver.create(desired(), ctx('create'));
    case 'update':
      if (!observed) throw new ConvergeError('CONFLICT', 'OBJECT_VANISHED', `${action.key} disappeared before it could be updated`);
      return driver.update(desired(), observed, action.changes, ctx('update'));
    case 'replace':
      if (observed) await driver.delete(observed, ctx('delete'));
      return driver.create(desired(), ctx('create'));
    case 'delete':
      if (!observed) throw new ConvergeError('CONFLICT', 'OBJECT_VANISHED', `${action.key} was not in the observation this delete was planned from`);
      await driver.delete(observed, ctx('delete'));
      return undefined;
    case 'forget':
    case 'noop':
      return undefined;
  }
}
