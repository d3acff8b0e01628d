import { describe, expect, it } from 'vitest';
import { mapLimit, Semaphore } from '../../src/engine/semaphore.js';

describe('Semaphore', () => {
  it('holds at most `limit` at once and serves waiters in arrival order, however many queue', async () => {
    const semaphore = new Semaphore(3);
    let active = 0;
    let peak = 0;
    const started: number[] = [];
    const work = Array.from({ length: 3000 }, (_, i) =>
      semaphore.run(async () => {
        started.push(i);
        active += 1;
        peak = Math.max(peak, active);
        await Promise.resolve();
        active -= 1;
        return i;
      }),
    );
    expect(await Promise.all(work)).toEqual(started);
    expect(started).toEqual([...started].sort((a, b) => a - b));
    expect(peak).toBe(3);
    expect(active).toBe(0);
  });

  it('releases a holder that failed, and mapLimit keeps the order of its items', async () => {
    const semaphore = new Semaphore(1);
    await expect(semaphore.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await semaphore.run(() => Promise.resolve('next'))).toBe('next');
    expect(await mapLimit([3, 1, 2], 2, async (n) => n * 10)).toEqual([30, 10, 20]);
  });
});
