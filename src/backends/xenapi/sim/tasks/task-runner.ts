/**
 * Async tasks (xenapi.md §5 "Async calls and tasks"). `Async.<m>` returns a task ref at once; the
 * operation runs when the task's virtual duration has passed (`taskDurationMs`, per method in
 * `taskDurationsMs`), with progress rising in tenths in between (xapi moves it in a few coarse
 * steps; hundredths made every call send a task event to every watcher of 16 tasks in flight):
 * - a VM operation is entered in the VM's current_operations while pending (so other calls get
 *   OTHER_OPERATION_IN_PROGRESS); if it is not allowed the task fails at once;
 * - success stores the result as an XML-RPC `<value>` string, failure stores `[code, params…]`
 *   in error_info, and `failNext(method, error)` makes the next task of that method fail;
 * - cancel ends a pending task `cancelled` with `["TASK_CANCELLED", task]`; destroy deletes a
 *   finished task and marks a pending one for deletion when it finishes;
 * - finished tasks are collected 65 virtual minutes after finishing, oldest first above 200.
 * Time is checked on every call (`tick`) and by a short real-time timer while tasks are pending.
 */
import type { XmlRpcValue } from '../../../../xmlrpc/value.js';
import type { SimContext, TaskService } from '../dispatch/context.js';
import type { ArgValue, CallInfo, MethodSpec } from '../dispatch/method-spec.js';
import { vmOperationError } from '../vm/check-operation.js';
import { printValue } from '../wire/compact-xml.js';
import { handleInvalid, internalError, operationNotAllowed, XenApiError } from '../wire/errors.js';

interface Job {
  task: string;
  method: string;
  run: () => XmlRpcValue | void | Promise<XmlRpcValue | void>;
  startedAt: number;
  durationMs: number;
  vm?: string;
  /** progress last written to the task row (a write per job per call cost O(jobs) row updates). */
  progress: number;
}

const FINISHED_TTL_MS = 65 * 60 * 1000;
const MAX_TASKS = 200;
const POLL_MS = 20;
const COLLECT_EVERY_MS = 1000;

export class TaskRunner implements TaskService {
  readonly #ctx: SimContext;
  readonly #afterStep: () => void;
  readonly #jobs = new Map<string, Job>();
  readonly #destroyOnFinish = new Set<string>();
  readonly #failNext = new Map<string, string[][]>();
  #timer: NodeJS.Timeout | undefined;
  #lastSweep = Number.NEGATIVE_INFINITY;
  /** #nextDue: no job moves before this (virtual) time. */
  #nextDue = Number.POSITIVE_INFINITY;

  constructor(ctx: SimContext, afterStep: () => void) {
    this.#ctx = ctx;
    this.#afterStep = afterStep;
  }

  submit(spec: MethodSpec, args: ArgValue[], call: CallInfo): string {
    const task = this.#newTask(`Async.${spec.name}`, '');
    const job: Job = { task, method: spec.name, run: () => spec.run(args, { ...call, task }), startedAt: this.#ctx.now(), durationMs: this.#duration(spec.name), progress: 0 };
    const vm = spec.vmOp && typeof args[0] === 'string' ? args[0] : undefined;
    if (vm && spec.vmOp) {
      const refused = guard(() => vmOperationError(this.#ctx, vm, spec.vmOp ?? 'start'));
      if (refused) {
        this.#finish(task, { status: 'failure', error_info: refused.description });
        return task;
      }
      const ops = this.#ctx.store.require('VM', vm).current_operations as Record<string, string>;
      this.#ctx.store.update('VM', vm, { current_operations: { ...ops, [task]: spec.vmOp } });
      job.vm = vm;
    }
    this.#jobs.set(task, job);
    this.#due(job);
    this.#schedule();
    return task;
  }

  /**
   * tick advances progress and finishes the jobs whose time has come. Jobs are looked at only
   * once the earliest moment one of them moves (a tenth of progress, or its end) has come: every
   * call ticks, and walking 128 jobs per call was most of the simulator's per-call cost.
   */
  tick(): void {
    const now = this.#ctx.now();
    if (now >= this.#nextDue) {
      this.#nextDue = Number.POSITIVE_INFINITY;
      for (const job of [...this.#jobs.values()]) {
        const elapsed = now - job.startedAt;
        if (!this.#ctx.store.get('task', job.task)) this.#release(job);
        else if (elapsed >= job.durationMs) this.#complete(job);
        else this.#advance(job, Math.floor((elapsed / job.durationMs) * 10) / 10);
      }
      for (const job of this.#jobs.values()) this.#due(job);
    }
    this.#collect(now);
  }

  /** #due lowers #nextDue to when `job` next moves: its next tenth of progress, or its end. */
  #due(job: Job): void {
    const next = job.durationMs <= 0 ? job.startedAt : job.startedAt + Math.min(job.durationMs, (Math.round(job.progress * 10) + 1) * (job.durationMs / 10));
    if (next < this.#nextDue) this.#nextDue = next;
  }

  cancel(task: string): void {
    const row = this.#ctx.store.require('task', task);
    if (row.status !== 'pending') throw operationNotAllowed('Task is not pending');
    const job = this.#jobs.get(task);
    if (job) this.#release(job);
    this.#finish(task, { status: 'cancelled', error_info: ['TASK_CANCELLED', task] });
  }

  destroy(task: string): void {
    const row = this.#ctx.store.get('task', task);
    if (!row) throw handleInvalid('task', task);
    if (this.#jobs.has(task)) this.#destroyOnFinish.add(task);
    else this.#ctx.store.destroy('task', task);
  }

  createManual(label: string, description: string): string {
    return this.#newTask(label, description);
  }

  /** failNext makes the next task of `method` (with or without `Async.`) end in failure. */
  failNext(method: string, errorInfo: string[]): void {
    const key = method.replace(/^Async\./, '');
    this.#failNext.set(key, [...(this.#failNext.get(key) ?? []), errorInfo]);
  }

  close(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #newTask(label: string, description: string): string {
    return this.#ctx.store.create('task', {
      name_label: label,
      name_description: description,
      created: this.#ctx.now(),
      status: 'pending',
      resident_on: this.#ctx.hostRef(),
      allowed_operations: ['cancel'],
    });
  }

  #duration(method: string): number {
    return this.#ctx.settings.taskDurationsMs[method] ?? this.#ctx.settings.taskDurationMs;
  }

  /** #complete runs the operation; a synchronous one is finished before tick returns. */
  #complete(job: Job): void {
    this.#release(job);
    const injected = this.#failNext.get(job.method)?.shift();
    if (injected) return this.#settle(job.task, { status: 'failure', error_info: injected });
    try {
      const value = job.run();
      if (value instanceof Promise) {
        value.then(
          (v) => this.#settle(job.task, { status: 'success', result: printValue(v ?? '') }),
          (error: unknown) => this.#settle(job.task, { status: 'failure', error_info: describe(error) }),
        );
        return;
      }
      this.#settle(job.task, { status: 'success', result: printValue(value ?? '') });
    } catch (error) {
      this.#settle(job.task, { status: 'failure', error_info: describe(error) });
    }
  }

  #settle(task: string, outcome: { status: string; result?: string; error_info?: string[] }): void {
    this.#finish(task, outcome);
    this.#afterStep();
  }

  #release(job: Job): void {
    this.#jobs.delete(job.task);
    const vm = job.vm && this.#ctx.store.get('VM', job.vm);
    if (!vm || !job.vm) return;
    const ops = { ...(vm.current_operations as Record<string, string>) };
    delete ops[job.task];
    this.#ctx.store.update('VM', job.vm, { current_operations: ops });
  }

  #finish(task: string, outcome: { status: string; result?: string; error_info?: string[] }): void {
    if (!this.#ctx.store.get('task', task)) return;
    this.#ctx.store.update('task', task, { ...outcome, progress: 1, finished: this.#ctx.now(), allowed_operations: [] });
    if (this.#destroyOnFinish.delete(task)) this.#ctx.store.destroy('task', task);
  }

  #collect(now: number): void {
    // The sweep looks at every task: it runs when the cap is exceeded, else at most once per
    // COLLECT_EVERY_MS of (virtual) time, well inside the 65 minutes a finished task is kept.
    const excessNow = this.#ctx.store.count('task') > MAX_TASKS;
    if (!excessNow && now - this.#lastSweep < COLLECT_EVERY_MS && now >= this.#lastSweep) return;
    this.#lastSweep = now;
    const finished = this.#ctx.store
      .entries('task')
      .filter(([, row]) => row.status !== 'pending')
      .sort(([, a], [, b]) => Number(a.finished) - Number(b.finished));
    let excess = this.#ctx.store.count('task') - MAX_TASKS;
    for (const [ref, row] of finished) {
      if (now - Number(row.finished) > FINISHED_TTL_MS || excess > 0) {
        this.#ctx.store.destroy('task', ref);
        excess -= 1;
      }
    }
  }

  #advance(job: Job, progress: number): void {
    if (progress === job.progress) return;
    job.progress = progress;
    this.#ctx.store.update('task', job.task, { progress });
  }

  #schedule(): void {
    if (this.#timer || this.#jobs.size === 0) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.tick();
      this.#afterStep();
      this.#schedule();
    }, POLL_MS);
    this.#timer.unref();
  }
}

function guard(check: () => XenApiError | undefined): XenApiError | undefined {
  try {
    return check();
  } catch (error) {
    return error instanceof XenApiError ? error : internalError(String(error));
  }
}

export function describe(error: unknown): string[] {
  if (error instanceof XenApiError) return error.description;
  return internalError(error instanceof Error ? error.message : String(error)).description;
}
