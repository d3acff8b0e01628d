/**
 * LeaseWatchdog turns the renewals of a lease into the AbortSignal of its LockHandle. The signal
 * fires when the lease is known to be lost, when it was released, or when no renewal has
 * succeeded in time: the holder stops acting `marginMs` before its lease could expire for others,
 * so a holder that cannot reach its lock (a slow disk, a partitioned database) never keeps acting
 * while someone else may already hold the lease.
 *
 * Times are measured on this process's monotonic clock (performance.now), so a wall-clock step
 * cannot move the deadline; callers report how long the lease has left at the moment they learn
 * it, conservatively (from the start of the renewal that set it).
 */
import { ConvergeError } from '../errors/converge-error.js';

/** leaseMarginMs is how long before its expiry a holder that failed to renew stops acting. */
export function leaseMarginMs(ttlMs: number): number {
  return Math.min(Math.floor(ttlMs / 5), 3_000);
}

export class LeaseWatchdog {
  readonly #controller = new AbortController();
  readonly #marginMs: number;
  readonly #describe: string;
  #timer: NodeJS.Timeout | undefined;

  /** `describe` names the lease in messages (e.g. `state lock .converge/state.json.lock`). */
  constructor(options: { marginMs: number; describe: string; remainingMs: number }) {
    this.#marginMs = options.marginMs;
    this.#describe = options.describe;
    this.extend(options.remainingMs);
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** extend records a successful renewal: the lease has `remainingMs` left from now. */
  extend(remainingMs: number): void {
    if (this.signal.aborted) return;
    clearTimeout(this.#timer);
    const delay = Math.max(0, remainingMs - this.#marginMs);
    this.#timer = setTimeout(() => this.lost(`the ${this.#describe} could not be renewed before it would expire`), delay);
    this.#timer.unref(); // the watchdog never keeps a process alive on its own
  }

  /** lost aborts the signal with CONFLICT LEASE_LOST; later calls change nothing. */
  lost(reason: string): void {
    this.#abort(new ConvergeError('CONFLICT', 'LEASE_LOST', `${reason}; stopped acting under it`, { lease: this.#describe }));
  }

  /** released aborts the signal with LOCK_RELEASED: the holder gave the lease up itself. */
  released(): void {
    this.#abort(new ConvergeError('CONFLICT', 'LOCK_RELEASED', `the ${this.#describe} was released`, { lease: this.#describe }));
  }

  #abort(reason: ConvergeError): void {
    clearTimeout(this.#timer);
    if (!this.signal.aborted) this.#controller.abort(reason);
  }
}
