import { randomBytes } from 'node:crypto';

let lastMs = 0;
let counter = 0;

/**
 * newIntentId returns an id that sorts (as a string) in creation order within a process and by
 * millisecond across processes: base36 time, a per-process counter, and random bits so that two
 * processes writing in the same millisecond never collide. Example: `0lwz3k1a2-0000f-3fa9c1d2`.
 */
export function newIntentId(nowMs: number = Date.now()): string {
  // Clamp to the last time seen so a clock stepping back cannot reorder ids within a process.
  lastMs = Math.max(lastMs, nowMs);
  counter = (counter + 1) % 36 ** 5;
  const time = lastMs.toString(36).padStart(9, '0');
  const seq = counter.toString(36).padStart(5, '0');
  return `${time}-${seq}-${randomBytes(4).toString('hex')}`;
}
