/**
 * BackendEvents runs the event stream of every driver that has one (`Driver.events`, e.g. XenAPI
 * `event.from`) and hands each hint to the controller, which invalidates that backend's cached
 * observation and queues the resources named. A stream that ends or fails is restarted after a
 * capped backoff; hints name what to look at again, never what changed (level-based).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Driver, ObserveHint } from '../backends/driver.js';
import { asConvergeError } from '../errors/converge-error.js';
import { backoffDelay } from '../engine/backoff.js';
import type { Logger } from './log/json-log.js';

const RESTART = { baseMs: 1_000, maxMs: 60_000, attempts: Number.POSITIVE_INFINITY };

export class BackendEvents {
  readonly #streams = new Map<string, { abort: AbortController; done: Promise<void> }>();

  constructor(
    private readonly onHint: (backend: string, hint: ObserveHint) => void,
    private readonly log: Logger,
  ) {}

  /** follow starts the streams of `drivers` that are not running yet. */
  follow(drivers: ReadonlyMap<string, Driver>): void {
    for (const driver of drivers.values()) {
      if (!driver.events || this.#streams.has(driver.name)) continue;
      const abort = new AbortController();
      this.#streams.set(driver.name, { abort, done: this.#run(driver, abort.signal) });
    }
  }

  /** stop ends the streams of `backends` (all when omitted) and waits for them. */
  async stop(backends?: Iterable<string>): Promise<void> {
    const names = [...(backends ?? this.#streams.keys())];
    const ending = names.flatMap((name) => {
      const stream = this.#streams.get(name);
      this.#streams.delete(name);
      stream?.abort.abort();
      return stream ? [stream.done] : [];
    });
    await Promise.allSettled(ending);
  }

  async #run(driver: Driver, signal: AbortSignal): Promise<void> {
    let failures = 0;
    while (!signal.aborted) {
      try {
        for await (const hint of driver.events!(signal)) {
          failures = 0;
          this.onHint(driver.name, hint);
        }
      } catch (thrown) {
        if (signal.aborted) return;
        const error = asConvergeError(thrown);
        this.log.warn({ backend: driver.name, code: error.code, error: error.message }, 'event-stream-failed');
      }
      failures += 1;
      await sleep(backoffDelay(failures, RESTART), undefined, { signal }).catch(() => undefined);
    }
  }
}
