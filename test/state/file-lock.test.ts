import { randomUUID } from 'node:crypto';
import { readFile, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { processStart } from '../../src/state/lock-holder.js';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConvergeError } from '../../src/errors/converge-error.js';
import { FileLocker } from '../../src/state/file-lock.js';
import { HeldLock } from '../../src/state/held-lock.js';
import type { LockHolder } from '../../src/state/types.js';
import { deadPid, listFiles, spawnSleeper, tempDir } from './helpers.js';

const MINUTE = 60_000;

async function newLocker(options: { ttlMs?: number; pollMs?: number } = {}): Promise<{ dir: string; lockPath: string; locker: FileLocker }> {
  const dir = await tempDir();
  const lockPath = join(dir, 'state.json.lock');
  return { dir, lockPath, locker: new FileLocker({ path: lockPath, ...options }) };
}

function otherHolder(fields: Partial<LockHolder>): LockHolder {
  const now = Date.now();
  return {
    id: randomUUID(),
    pid: 999_999,
    host: 'ci-runner-7.example',
    user: 'alice',
    command: 'converge apply',
    acquiredAt: new Date(now - MINUTE).toISOString(),
    heartbeatAt: new Date(now - 1000).toISOString(),
    expiresAt: new Date(now + 10 * MINUTE).toISOString(),
    ...fields,
  };
}

async function lockFileHolder(lockPath: string): Promise<LockHolder> {
  return JSON.parse(await readFile(lockPath, 'utf8')) as LockHolder;
}

async function lockedError(promise: Promise<unknown>): Promise<ConvergeError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConvergeError);
  expect((error as ConvergeError).kind).toBe('CONFLICT');
  expect((error as ConvergeError).code).toBe('STATE_LOCKED');
  return error as ConvergeError;
}

describe('FileLocker.acquire', () => {
  it('writes this process as the holder and releases by removing the file', async () => {
    const { dir, lockPath, locker } = await newLocker({ ttlMs: 30_000 });
    const lock = await locker.acquire({ timeoutMs: 0, command: 'converge apply' });
    const onDisk = await lockFileHolder(lockPath);
    expect(onDisk).toEqual(lock.holder);
    expect(onDisk).toMatchObject({ pid: process.pid, host: hostname(), command: 'converge apply' });
    expect(Date.parse(onDisk.expiresAt) - Date.parse(onDisk.heartbeatAt)).toBe(30_000);
    expect(await locker.inspect()).toEqual(onDisk);

    await lock.release();
    expect(await listFiles(dir)).toEqual([]);
    expect(await locker.inspect()).toBeUndefined();
  });

  it('fails with the holder named when a live process on this host holds the lock', async () => {
    const { lockPath, locker } = await newLocker({ pollMs: 50 });
    const sleeper = await spawnSleeper();
    const holder = otherHolder({ pid: sleeper.pid, host: hostname() });
    await writeFile(lockPath, JSON.stringify(holder));

    const started = performance.now();
    const error = await lockedError(locker.acquire({ timeoutMs: 400, command: 'converge plan' }));
    expect(performance.now() - started).toBeGreaterThanOrEqual(350);
    expect(error.message).toBe(`state is locked by alice@${hostname()} pid ${sleeper.pid} (converge apply) since ${holder.acquiredAt}`);
    expect(error.details).toMatchObject({ id: holder.id, pid: sleeper.pid, user: 'alice', expiresAt: holder.expiresAt, lockPath });
    expect(await lockFileHolder(lockPath)).toEqual(holder);
  });

  it('gets the lock once the holder releases it within the timeout', async () => {
    const { locker } = await newLocker({ pollMs: 20 });
    const first = await locker.acquire({ timeoutMs: 0, command: 'first' });
    const second = locker.acquire({ timeoutMs: 10_000, command: 'second' });
    setTimeout(() => void first.release(), 150);
    const lock = await second;
    expect(lock.holder.command).toBe('second');
    expect((await locker.inspect())?.id).toBe(lock.holder.id);
    await lock.release();
  });

  const staleness: Array<{ reason: string; holder: () => Promise<LockHolder>; stale: boolean }> = [
    { reason: 'a dead pid on this host is stale even with a valid lease', holder: async () => otherHolder({ host: hostname(), pid: await deadPid() }), stale: true },
    { reason: 'an expired lease from another host is stale', holder: async () => otherHolder({ expiresAt: new Date(Date.now() - 1000).toISOString() }), stale: true },
    { reason: 'an expired lease of a live local process is stale', holder: async () => otherHolder({ host: hostname(), pid: (await spawnSleeper()).pid, expiresAt: new Date(Date.now() - 1).toISOString() }), stale: true },
    { reason: 'a valid lease from another host is live whatever its pid', holder: async () => otherHolder({ pid: await deadPid() }), stale: false },
    { reason: 'a valid lease of a live local process is live', holder: async () => otherHolder({ host: hostname(), pid: (await spawnSleeper()).pid }), stale: false },
    {
      reason: 'a live local pid that started at another time is a reused pid: the holder is dead',
      holder: async () => otherHolder({ host: hostname(), pid: (await spawnSleeper()).pid, pidStart: '1' }),
      stale: true,
    },
    {
      reason: 'a live local pid with the recorded start time is the holder itself: live',
      holder: async () => {
        const pid = (await spawnSleeper()).pid;
        return otherHolder({ host: hostname(), pid, ...(processStart(pid) ? { pidStart: processStart(pid)! } : {}) });
      },
      stale: false,
    },
  ];

  it.each(staleness)('$reason', async ({ holder: makeStale, stale }) => {
    const { dir, lockPath, locker } = await newLocker();
    const holder = await makeStale();
    await writeFile(lockPath, JSON.stringify(holder));
    const reported: LockHolder[] = [];
    const attempt = locker.acquire({ timeoutMs: 0, command: 'converge apply', onStaleTakeover: (s) => reported.push(s) });

    if (stale) {
      const lock = await attempt;
      expect(reported).toEqual([holder]);
      expect((await lockFileHolder(lockPath)).id).toBe(lock.holder.id);
      expect(await listFiles(dir)).toEqual(['state.json.lock']);
      await lock.release();
    } else {
      const error = await lockedError(attempt);
      expect(error.details.id).toBe(holder.id);
      expect(reported).toEqual([]);
      expect(await lockFileHolder(lockPath)).toEqual(holder);
    }
  });

  it('treats an unreadable lock file as held until its mtime is older than the ttl', async () => {
    const { lockPath, locker } = await newLocker({ ttlMs: 5000 });
    await writeFile(lockPath, '');
    const error = await lockedError(locker.acquire({ timeoutMs: 0, command: 'c' }));
    expect(error.message).toMatch(/^state is locked by unknown@unknown pid 0 \(unreadable lock file\)/);

    const old = new Date(Date.now() - 10_000);
    await utimes(lockPath, old, old);
    const reported: LockHolder[] = [];
    const lock = await locker.acquire({ timeoutMs: 0, command: 'c', onStaleTakeover: (s) => reported.push(s) });
    expect(reported.map((s) => s.command)).toEqual(['unreadable lock file']);
    await lock.release();
  });

  it('lets exactly one of several concurrent acquires in one process win', async () => {
    const { lockPath, locker } = await newLocker();
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) => locker.acquire({ timeoutMs: 0, command: `run ${i}` })),
    );
    const winners = results.filter((r): r is PromiseFulfilledResult<HeldLock> => r.status === 'fulfilled');
    expect(winners).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(5);
    expect((await lockFileHolder(lockPath)).id).toBe(winners[0]?.value.holder.id);
    await winners[0]?.value.release();
  });

  it('lets exactly one of several concurrent contenders take over a stale lock', async () => {
    const { dir, lockPath } = await newLocker();
    const stale = otherHolder({ expiresAt: new Date(Date.now() - 1000).toISOString() });
    await writeFile(lockPath, JSON.stringify(stale));
    const reported: LockHolder[] = [];
    // Separate locker instances, as separate runs would have.
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, () =>
        new FileLocker({ path: lockPath }).acquire({ timeoutMs: 0, command: 'c', onStaleTakeover: (s) => reported.push(s) }),
      ),
    );
    const winners = results.filter((r): r is PromiseFulfilledResult<HeldLock> => r.status === 'fulfilled');
    expect(winners).toHaveLength(1);
    expect(reported).toEqual([stale]);
    expect(await listFiles(dir)).toEqual(['state.json.lock']);
    await winners[0]?.value.release();
  });
});

describe('HeldLock', () => {
  it('renews the lease so a short ttl never expires while held', async () => {
    const { lockPath, locker } = await newLocker({ ttlMs: 300 });
    const lock = await locker.acquire({ timeoutMs: 0, command: 'c' });
    const first = await lockFileHolder(lockPath);
    await new Promise((resolve) => setTimeout(resolve, 700));

    const renewed = await lockFileHolder(lockPath);
    expect(renewed.id).toBe(first.id);
    expect(renewed.acquiredAt).toBe(first.acquiredAt);
    expect(Date.parse(renewed.expiresAt)).toBeGreaterThan(Date.parse(first.expiresAt));
    expect(Date.parse(renewed.expiresAt) - Date.parse(renewed.heartbeatAt)).toBe(300);
    expect(lock.holder.expiresAt).toBe(renewed.expiresAt);
    await lockedError(new FileLocker({ path: lockPath, ttlMs: 300 }).acquire({ timeoutMs: 0, command: 'other' }));
    await lock.release();
  });

  it('release is idempotent and never removes a lock that someone else took over', async () => {
    const { lockPath, locker } = await newLocker({ ttlMs: 150 });
    const lock = (await locker.acquire({ timeoutMs: 0, command: 'c' })) as HeldLock;
    const usurper = otherHolder({});
    await writeFile(lockPath, JSON.stringify(usurper));
    await new Promise((resolve) => setTimeout(resolve, 200)); // a heartbeat runs and sees the loss

    expect(lock.lost).toBe(true);
    expect(lock.signal.aborted).toBe(true);
    expect(lock.signal.reason).toMatchObject({ kind: 'CONFLICT', code: 'LEASE_LOST' });
    await lock.release();
    await lock.release();
    expect(await lockFileHolder(lockPath)).toEqual(usurper);
  });

  it('releaseSync (the exit hook) removes only our own lock file', async () => {
    const { dir, locker } = await newLocker();
    const lock = (await locker.acquire({ timeoutMs: 0, command: 'c' })) as HeldLock;
    lock.releaseSync();
    expect(await listFiles(dir)).toEqual([]);
    await lock.release();
  });
});
