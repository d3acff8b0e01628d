/**
 * LagBackoff paces the looks at a sliver whose node has not caught up with PLC (102 / 108, or a
 * controller account not there yet): the first look again after 1 s, then 2, 4, … up to 30 s,
 * instead of one ssh session per sliver on every pass while the node waits for its poll. Between
 * looks the last answer stands. Real time, not the engine's clock: this paces calls.
 */
import type { ObjectStatus } from '../../driver.js';

const BASE_MS = 1_000;
const CAP_MS = 30_000;

interface Entry {
  attempts: number;
  nextAt: number;
  status: ObjectStatus;
}

export class LagBackoff {
  readonly #entries = new Map<string, Entry>();

  /** pending returns the last status of `key` while its next look is not due yet. */
  pending(key: string): ObjectStatus | undefined {
    const entry = this.#entries.get(key);
    if (!entry || Date.now() >= entry.nextAt) return undefined;
    const seconds = Math.ceil((entry.nextAt - Date.now()) / 1000);
    return { ...entry.status, message: `${entry.status.message ?? ''} (next look in ${seconds}s)` };
  }

  /** known: the sliver was found lagging and has not caught up since. */
  known(key: string): boolean {
    return this.#entries.has(key);
  }

  /**
   * lagging records that a look begun at `lookedAt` (epoch ms) found the node behind; the next
   * look is due that long after the start of this one (a slow ssh session does not add to it).
   */
  lagging(key: string, status: ObjectStatus, lookedAt = Date.now()): void {
    const attempts = (this.#entries.get(key)?.attempts ?? 0) + 1;
    this.#entries.set(key, { attempts, nextAt: lookedAt + Math.min(CAP_MS, BASE_MS * 2 ** (attempts - 1)), status });
  }

  caughtUp(key: string): void {
    this.#entries.delete(key);
  }
}
