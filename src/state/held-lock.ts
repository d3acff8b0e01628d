/**
 * HeldLock is a lock this process holds: it renews the lease every ttl/3 and removes the lock
 * file on release, or at process exit as a last resort. It only ever touches the lock file while
 * that file still carries its holder id, so it never disturbs a lock someone else took over.
 * Its `signal` fires when a heartbeat finds the lock taken over or removed, when renewals keep
 * failing until shortly before the lease expires (LeaseWatchdog), and on release.
 */
import { readFileSync, unlinkSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { readTextIfExists, writeFileAtomic } from './atomic-file.js';
import { LeaseWatchdog, leaseMarginMs } from './lease-watchdog.js';
import { encodeHolder, holderIdOf, renewHolder } from './lock-holder.js';
import type { LockHandle, LockHolder } from './types.js';

/** HeldLockOptions are the lease settings a HeldLock renews with (renewMs defaults to ttlMs/3). */
export interface HeldLockOptions {
  path: string;
  ttlMs: number;
  renewMs?: number;
  now: () => number;
}

export class HeldLock implements LockHandle {
  private current: LockHolder;
  private readonly options: HeldLockOptions;
  private readonly timer: NodeJS.Timeout;
  private beat: Promise<void> | undefined;
  private released: Promise<void> | undefined;
  private lostLease = false;
  private readonly watchdog: LeaseWatchdog;

  constructor(holder: LockHolder, options: HeldLockOptions) {
    this.current = holder;
    this.options = options;
    this.watchdog = new LeaseWatchdog({ marginMs: leaseMarginMs(options.ttlMs), describe: `state lock ${options.path}`, remainingMs: this.remainingMs(holder) });
    // unref: a held lock must never keep the process alive on its own.
    this.timer = setInterval(() => this.heartbeat(), Math.max(1, options.renewMs ?? Math.floor(options.ttlMs / 3)));
    this.timer.unref();
    exitRegistry.add(this);
    ensureExitHook();
  }

  /** holder is the latest lease written to the lock file (heartbeats move its expiry). */
  get holder(): LockHolder {
    return this.current;
  }

  /** lost is true once a heartbeat or a write found the lock file gone or carrying another holder's id. */
  get lost(): boolean {
    return this.lostLease;
  }

  /** signal: see LockHandle. */
  get signal(): AbortSignal {
    return this.watchdog.signal;
  }

  /** isReleased is true once release (or the exit hook) has begun. */
  get isReleased(): boolean {
    return this.released !== undefined;
  }

  /** markLost records that the lock file no longer names this holder (found by a fenced write). */
  markLost(): void {
    this.lostLease = true;
    clearInterval(this.timer);
    this.watchdog.lost(`the state lock ${this.options.path} was taken over or removed`);
  }

  /** release stops renewing and removes the lock file if it is still ours; idempotent. */
  release(): Promise<void> {
    this.released ??= this.removeIfOurs();
    return this.released;
  }

  /** releaseSync is the exit-time variant: no awaiting, errors ignored. */
  releaseSync(): void {
    clearInterval(this.timer);
    this.watchdog.released();
    try {
      if (holderIdOf(readFileSync(this.options.path, 'utf8')) === this.current.id) unlinkSync(this.options.path);
    } catch {
      // best effort: the lease expires on its own
    }
  }

  private async removeIfOurs(): Promise<void> {
    clearInterval(this.timer);
    exitRegistry.delete(this);
    try {
      // A renewal in flight would re-create the file after we removed it; let it land first.
      await this.beat;
      const file = await readTextIfExists(this.options.path);
      if (file !== undefined && holderIdOf(file.text) === this.current.id) await rm(this.options.path, { force: true });
    } finally {
      this.watchdog.released();
    }
  }

  private heartbeat(): void {
    if (this.beat !== undefined || this.released !== undefined) return;
    this.beat = this.renew()
      .catch(() => undefined) // a failed renewal is retried at the next tick; the lease is ttl/3 ahead
      .finally(() => {
        this.beat = undefined;
      });
  }

  private async renew(): Promise<void> {
    const file = await readTextIfExists(this.options.path);
    if (file === undefined || holderIdOf(file.text) !== this.current.id) return this.markLost();
    const next = renewHolder(this.current, this.options.ttlMs, this.options.now());
    await writeFileAtomic(this.options.path, encodeHolder(next));
    this.current = next;
    this.watchdog.extend(this.remainingMs(next));
  }

  private remainingMs(holder: LockHolder): number {
    return Date.parse(holder.expiresAt) - this.options.now();
  }
}

const exitRegistry = new Set<HeldLock>();
let exitHooked = false;

function ensureExitHook(): void {
  if (exitHooked) return;
  exitHooked = true;
  process.on('exit', () => {
    for (const lock of exitRegistry) lock.releaseSync();
  });
}
