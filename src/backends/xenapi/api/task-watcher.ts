/**
 * TaskWatcher waits for XenAPI tasks through the event stream, as xen-orchestra does
 * (xenapi.md §5, §6): one shared `event.from(["task"], token, timeout)` long poll serves every
 * waiter, so N tasks in flight cost a few calls per batch of changes, not N polls. The loop runs
 * only while someone waits; it starts from the `""` token (a full dump of tasks, which also
 * settles tasks that finished before their waiter registered) and starts over after
 * `EVENTS_LOST`. A task deleted before it finished leaves its outcome unknown: TRANSIENT.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { backoffDelay, DEFAULT_BACKOFF } from '../../../engine/backoff.js';
import { asConvergeError, ConvergeError } from '../../../errors/converge-error.js';
import { isStruct, type XmlRpcValue } from '../../../xmlrpc/value.js';
import { isXenCode } from './errors.js';
import { parseTask, type XenTask } from './records.js';
import { SignalWatch } from './signal-watch.js';
import type { XenSession } from '../session/session.js';

interface Waiter {
  resolve(task: XenTask): void;
  reject(error: ConvergeError): void;
  onProgress?: (progress: number) => void;
}

export interface WaitOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  onProgress?: (progress: number) => void;
}

const POLL_SECONDS = 5;
const DEBOUNCE_MS = 10;
const FINISHED_KEPT = 1000;
const MAX_FAILURES = 8;

export class TaskWatcher {
  readonly #session: XenSession;
  readonly #waiters = new Map<string, Waiter>();
  readonly #finished = new Map<string, XenTask>();
  readonly #stop = new AbortController();
  readonly #aborts = new SignalWatch();
  #running = false;

  constructor(session: XenSession) {
    this.#session = session;
  }

  /** wait resolves with the task's record once it is no longer pending. */
  wait(task: string, options: WaitOptions = {}): Promise<XenTask> {
    const done = this.#finished.get(task);
    if (done) return Promise.resolve(done);
    return new Promise<XenTask>((resolve, reject) => {
      const cleanup = (): void => {
        clearTimeout(timer);
        unwatch?.();
        this.#waiters.delete(task);
      };
      const onAbort = (): void => {
        cleanup();
        reject(new ConvergeError('TERMINAL', 'ABORTED', `task ${task}: aborted`));
      };
      const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => {
        cleanup();
        reject(new ConvergeError('TRANSIENT', 'XEN_TASK_TIMEOUT', `task ${task} did not finish within ${options.timeoutMs} ms`));
      }, options.timeoutMs);
      // An already aborted signal never fires, as with addEventListener before.
      const unwatch = options.signal ? this.#aborts.add(options.signal, onAbort) : undefined;
      this.#waiters.set(task, {
        resolve: (t) => (cleanup(), resolve(t)),
        reject: (e) => (cleanup(), reject(e)),
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      });
      this.#start();
    });
  }

  /** close stops the long poll; waiters still registered are rejected. */
  close(): void {
    this.#stop.abort();
    this.#rejectAll(new ConvergeError('TERMINAL', 'ABORTED', 'the XenAPI session was closed'));
  }

  #start(): void {
    if (this.#running || this.#stop.signal.aborted) return;
    this.#running = true;
    void this.#loop().finally(() => {
      this.#running = false;
      if (this.#waiters.size > 0) this.#start();
    });
  }

  async #loop(): Promise<void> {
    let token = '';
    let failures = 0;
    while (this.#waiters.size > 0 && !this.#stop.signal.aborted) {
      try {
        const sent = performance.now();
        const batch = await this.#session.call('event.from', [['task'], token, POLL_SECONDS], {
          channel: 'events',
          signal: this.#stop.signal,
          timeoutMs: (POLL_SECONDS + 30) * 1000,
        });
        failures = 0;
        token = this.#apply(batch);
        // At most one poll per DEBOUNCE_MS: a round trip that took that long already let changes
        // gather (a slow link), so the next poll goes out at once instead of adding the wait to
        // every task's completion on the create's critical path.
        const wait = DEBOUNCE_MS - (performance.now() - sent);
        if (wait > 0) await sleep(wait);
      } catch (thrown) {
        if (isXenCode(thrown, 'EVENTS_LOST', 'EVENT_FROM_TOKEN_PARSE_FAILURE')) {
          token = '';
          continue;
        }
        const error = asConvergeError(thrown);
        failures += 1;
        if (!error.retryable || failures >= MAX_FAILURES) return this.#rejectAll(error);
        await sleep(backoffDelay(failures, DEFAULT_BACKOFF), undefined, { signal: this.#stop.signal }).catch(() => undefined);
      }
    }
  }

  /** #apply settles waiters from one event.from batch and returns the next token. */
  #apply(batch: XmlRpcValue): string {
    if (!isStruct(batch) || !Array.isArray(batch.events) || typeof batch.token !== 'string') {
      throw new ConvergeError('TERMINAL', 'XEN_BAD_REPLY', 'event.from: unexpected batch shape');
    }
    for (const event of batch.events) {
      if (!isStruct(event) || event.class !== 'task' || typeof event.ref !== 'string') continue;
      const waiter = this.#waiters.get(event.ref);
      if (event.operation === 'del') {
        waiter?.reject(new ConvergeError('TRANSIENT', 'XEN_TASK_VANISHED', `task ${event.ref} was destroyed before it finished; its outcome is unknown`));
        continue;
      }
      if (!isStruct(event.snapshot)) continue;
      const task = parseTask(event.ref, event.snapshot);
      if (task.status === 'pending' || task.status === 'cancelling') waiter?.onProgress?.(task.progress);
      else if (waiter) waiter.resolve(task);
      else this.#remember(task);
    }
    return batch.token;
  }

  #remember(task: XenTask): void {
    this.#finished.set(task.ref, task);
    if (this.#finished.size > FINISHED_KEPT) this.#finished.delete(this.#finished.keys().next().value!);
  }

  #rejectAll(error: ConvergeError): void {
    for (const waiter of [...this.#waiters.values()]) waiter.reject(error);
  }
}
