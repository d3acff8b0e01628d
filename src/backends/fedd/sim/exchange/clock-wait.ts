/**
 * Waiting in virtual time. A simulator's clock runs with real time plus an offset that tests move
 * forward, so a wait polls the clock in short real-time steps: advancing the clock past the
 * deadline ends the wait within one step instead of after the whole real duration.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { SimClock } from '../../../../xmlrpc/sim/clock.js';

const STEP_MS = 20;

/** waitUntil resolves once the clock reads `deadline` (epoch ms); rejects if `signal` aborts first. */
export async function waitUntil(clock: SimClock, deadline: number, signal: AbortSignal): Promise<void> {
  for (;;) {
    signal.throwIfAborted();
    const remaining = deadline - clock.now();
    if (remaining <= 0) return;
    await sleep(Math.min(remaining, STEP_MS), undefined, { signal });
  }
}

/** DeadlineError says a virtual-time deadline passed before the work finished. */
export class DeadlineError extends Error {
  constructor() {
    super('deadline passed');
    this.name = 'DeadlineError';
  }
}

/**
 * beforeDeadline runs `work` with a signal that aborts at the virtual `deadline` or when `signal`
 * aborts. It rejects with DeadlineError when the deadline came first.
 */
export async function beforeDeadline<T>(clock: SimClock, deadline: number, signal: AbortSignal, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const inner = new AbortController();
  const stopTimer = new AbortController();
  const onOuterAbort = (): void => inner.abort(signal.reason);
  signal.addEventListener('abort', onOuterAbort, { once: true });
  let timedOut = false;
  const timer = waitUntil(clock, deadline, AbortSignal.any([signal, stopTimer.signal])).then(
    () => {
      timedOut = true;
      inner.abort(new DeadlineError());
    },
    () => undefined,
  );
  try {
    return await work(inner.signal);
  } catch (error) {
    if (timedOut) throw new DeadlineError();
    throw error;
  } finally {
    stopTimer.abort();
    signal.removeEventListener('abort', onOuterAbort);
    await timer;
  }
}
