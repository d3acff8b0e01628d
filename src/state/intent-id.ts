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
  return `${time}-${seq}-${randomHex8()}`;
}

// Random bits drawn 4 KiB at a time: a randomBytes call per id was about 10 µs, a tenth of a
// millisecond per VM created (the bits are the same kind, only fetched in bulk).
const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let used = 0;

function randomHex8(): string {
  if (used + 4 > pool.length) {
    pool = randomBytes(POOL_BYTES);
    used = 0;
  }
  used += 4;
  return pool.toString('hex', used - 4, used);
}
