/**
 * WorkQueue holds the resource keys (`Infrastructure/web`) that need a look, in the
 * controller-runtime workqueue's shape: a key is queued at most once however often it is added;
 * a key being processed is never handed to a second worker, and adding it meanwhile marks it to
 * be queued again when its pass is done; retries wait out a per-key capped exponential backoff.
 * Keys name what to look at, never why: the pass reads fresh state (level-based). A queue may
 * accept only some keys (a sharded replica's own resources): others are ignored when added and
 * dropped when their turn comes if they stopped being accepted meanwhile.
 */
import { KeyBackoff, type KeyBackoffPolicy } from './key-backoff.js';

export class WorkQueue {
  readonly #ready = new Set<string>();
  readonly #processing = new Set<string>();
  readonly #dirty = new Set<string>();
  readonly #delayed = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  readonly #waiters: Array<() => void> = [];
  readonly #backoff: KeyBackoff;
  #shutDown = false;

  readonly #accepts: (key: string) => boolean;

  /** `accepts` decides which keys this queue takes (default: every key). */
  constructor(policy?: KeyBackoffPolicy, accepts: (key: string) => boolean = () => true) {
    this.#backoff = new KeyBackoff(policy);
    this.#accepts = accepts;
  }

  /** add queues `key` now (deduplicated; deferred while it is being processed). */
  add(key: string): void {
    if (this.#shutDown || !this.#accepts(key)) return;
    this.#clearDelay(key);
    if (this.#processing.has(key)) this.#dirty.add(key);
    else if (!this.#ready.has(key)) {
      this.#ready.add(key);
      this.#waiters.shift()?.();
    }
  }

  /** addAfter queues `key` in `ms`; an earlier pending add wins. */
  addAfter(key: string, ms: number): void {
    if (this.#shutDown || !this.#accepts(key)) return;
    if (ms <= 0) return this.add(key);
    const at = Date.now() + ms;
    const pending = this.#delayed.get(key);
    if (pending && pending.at <= at) return;
    this.#clearDelay(key);
    const timer = setTimeout(() => {
      this.#delayed.delete(key);
      this.add(key);
    }, Math.min(ms, 2 ** 31 - 1));
    timer.unref();
    this.#delayed.set(key, { at, timer });
  }

  /** retry queues `key` after its next backoff delay, and returns that delay. */
  retry(key: string): number {
    const delay = this.#backoff.next(key);
    this.addAfter(key, delay);
    return delay;
  }

  /** forget resets the backoff of `key` (its pass succeeded). */
  forget(key: string): void {
    this.#backoff.forget(key);
  }

  /** take waits for queued keys and hands out up to `max` of them; undefined once shut down. */
  async take(max = Number.POSITIVE_INFINITY): Promise<string[] | undefined> {
    for (;;) {
      while (this.#ready.size === 0 && !this.#shutDown) await new Promise<void>((wake) => this.#waiters.push(wake));
      if (this.#shutDown) return undefined;
      for (const key of this.#ready) if (!this.#accepts(key)) this.#ready.delete(key);
      if (this.#ready.size > 0) break;
    }
    const keys = [...this.#ready].slice(0, max);
    for (const key of keys) {
      this.#ready.delete(key);
      this.#processing.add(key);
    }
    return keys;
  }

  /** done ends the processing of `keys`; those added meanwhile are queued again. */
  done(keys: readonly string[]): void {
    for (const key of keys) {
      this.#processing.delete(key);
      if (this.#dirty.delete(key)) this.add(key);
    }
  }

  /** depth is the number of keys waiting for a worker (not those in flight or delayed). */
  get depth(): number {
    return this.#ready.size;
  }

  get inFlight(): number {
    return this.#processing.size;
  }

  get delayed(): number {
    return this.#delayed.size;
  }

  /** shutDown hands no more keys out, drops delayed ones and wakes every waiting worker. */
  shutDown(): void {
    this.#shutDown = true;
    for (const { timer } of this.#delayed.values()) clearTimeout(timer);
    this.#delayed.clear();
    for (const wake of this.#waiters.splice(0)) wake();
  }

  #clearDelay(key: string): void {
    const pending = this.#delayed.get(key);
    if (pending) clearTimeout(pending.timer);
    this.#delayed.delete(key);
  }
}
