/**
 * HeldLock is a lock this process holds: it renews the lease every ttl/3 and removes the lock
 * file on release, or at process exit as a last resort. It only ever touches the lock file while
 * that file still carries its holder id, so it never disturbs a lock someone else took over.
 */
import { readFileSync, unlinkSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { readTextIfExists, writeFileAtomic } from './atomic-file.js';
import { encodeHolder, holderIdOf, renewHolder } from './lock-holder.js';
import type { LockHandle, LockHolder } from './types.js';

/** HeldLockOptions are the lease settings a HeldLock renews with. */
export interface HeldLockOptions {
  path: string;
  ttlMs: number;
  now: () => number;
}

export class HeldLock implements LockHandle {
  private current: LockHolder;
  private readonly options: HeldLockOptions;
  private readonly timer: NodeJS.Timeout;
  private beat: Promise<void> | undefined;
  private released: Promise<void> | undefined;
  private lostLease = false;

  constructor(holder: LockHolder, options: HeldLockOptions) {
    this.current = holder;
    this.options = options;
    // unref: a held lock must never keep the process alive on its own.
    this.timer = setInterval(() => this.heartbeat(), Math.max(1, Math.floor(options.ttlMs / 3)));
    this.timer.unref();
    exitRegistry.add(this);
    ensureExitHook();
  }

  /** holder is the latest lease written to the lock file (heartbeats move its expiry). */
  get holder(): LockHolder {
    return this.current;
  }

  /** lost is true once a heartbeat found the lock file gone or carrying another holder's id. */
  get lost(): boolean {
    return this.lostLease;
  }

  /** release stops renewing and removes the lock file if it is still ours; idempotent. */
  release(): Promise<void> {
    this.released ??= this.removeIfOurs();
    return this.released;
  }

  /** releaseSync is the exit-time variant: no awaiting, errors ignored. */
  releaseSync(): void {
    clearInterval(this.timer);
    try {
      if (holderIdOf(readFileSync(this.options.path, 'utf8')) === this.current.id) unlinkSync(this.options.path);
    } catch {
      // best effort: the lease expires on its own
    }
  }

  private async removeIfOurs(): Promise<void> {
    clearInterval(this.timer);
    exitRegistry.delete(this);
    // A renewal in flight would re-create the file after we removed it; let it land first.
    await this.beat;
    const file = await readTextIfExists(this.options.path);
    if (file !== undefined && holderIdOf(file.text) === this.current.id) await rm(this.options.path, { force: true });
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
    if (file === undefined || holderIdOf(file.text) !== this.current.id) {
      this.lostLease = true;
      clearInterval(this.timer);
      return;
    }
    const next = renewHolder(this.current, this.options.ttlMs, this.options.now());
    await writeFileAtomic(this.options.path, encodeHolder(next));
    this.current = next;
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
