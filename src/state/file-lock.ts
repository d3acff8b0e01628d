/**
 * FileLocker is the single-writer lock of a file state: a lock file (`<state path>.lock`) created
 * atomically (a synced temp file hard-linked into place) and holding the LockHolder as JSON. A holder renews its lease every ttl/3;
 * a holder whose lease expired, or whose pid is gone on this host, is stale and is taken over.
 *
 * Takeover happens under a guard file (takeover-guard.ts), so contenders in different processes
 * take over one at a time: the guard holder checks that the lock file is still byte-for-byte the
 * one it judged stale and then atomically replaces it with its own (temp file + rename). The lock
 * path is never empty during a takeover, so no contender can slip in with a plain `wx` create,
 * and whoever judged the lock stale is the one who holds it and reports the takeover. Within one
 * process attempts are also serialized, so concurrent acquires never interleave.
 *
 * Left open: a stale holder that is still alive (paused beyond its lease) may renew or release in
 * the microseconds between the check and the rename; its heartbeat then finds the lock lost.
 */
import { link, mkdir, open, rm } from 'node:fs/promises';
import { dirname, resolve as resolvePath } from 'node:path';
import { fsyncDir, hasCode, readTextIfExists, writeFileAtomic, type FileText } from './atomic-file.js';
import { HeldLock } from './held-lock.js';
import { runExclusive } from '../util/keyed-mutex.js';
import { encodeHolder, lockedError, makeHolder, parseHolder, staleReason } from './lock-holder.js';
import { BUSY, withTakeoverGuard } from './takeover-guard.js';
import type { LockHandle, LockHolder, StateLocker } from './types.js';

/** FileLockOptions configure a FileLocker; ttlMs, pollMs and now exist mainly for tests. */
export interface FileLockOptions {
  /** path of the lock file, conventionally `<state path>.lock`. */
  path: string;
  /** ttlMs is the lease length; it is renewed every ttlMs/3 (or renewMs). Default 30 s. */
  ttlMs?: number;
  /** renewMs overrides the renewal period (tests use one longer than ttlMs to act out a stalled holder). */
  renewMs?: number;
  /** pollMs is how often a blocked acquire looks again. Default 200 ms. */
  pollMs?: number;
  /** now is the epoch-ms clock for lease times (waiting for `timeoutMs` uses the real clock). */
  now?: () => number;
}

/** GUARD_STALE_MS: a takeover guard is held for milliseconds; older ones were left by a crash. */
const GUARD_STALE_MS = 10_000;

type AcquireOptions = Parameters<StateLocker['acquire']>[0];

/** CurrentLock is the lock file as read: its holder and the exact bytes and inode it came from. */
interface CurrentLock {
  holder: LockHolder;
  file: FileText;
}

export class FileLocker implements StateLocker {
  readonly path: string;
  private readonly ttlMs: number;
  private readonly renewMs: number | undefined;
  private readonly pollMs: number;
  private readonly now: () => number;

  constructor(options: FileLockOptions) {
    this.path = options.path;
    this.ttlMs = options.ttlMs ?? 30_000;
    this.renewMs = options.renewMs;
    this.pollMs = options.pollMs ?? 200;
    this.now = options.now ?? Date.now;
  }

  /** acquire takes the lock, waiting up to timeoutMs (0 = one attempt); see StateLocker. */
  async acquire(options: AcquireOptions): Promise<LockHandle> {
    await mkdir(dirname(this.path), { recursive: true });
    const deadline = performance.now() + Math.max(0, options.timeoutMs);
    for (;;) {
      const result = await runExclusive(`lock:${resolvePath(this.path)}`, () => this.attempt(options));
      if (result instanceof HeldLock) return result;
      const remaining = deadline - performance.now();
      if (remaining <= 0) throw lockedError(result ?? (await this.unknownHolder()), this.path);
      await sleep(Math.min(this.pollMs, remaining));
    }
  }

  /** inspect returns the current holder (an "unknown" holder for an unreadable file), if any. */
  async inspect(): Promise<LockHolder | undefined> {
    return (await this.readCurrent())?.holder;
  }

  /**
   * breakLock removes the lock file whoever holds it (`converge state unlock --force`) and returns
   * the holder it named. A live holder finds the loss at its next heartbeat or fenced write.
   */
  async breakLock(): Promise<LockHolder | undefined> {
    return runExclusive(`lock:${resolvePath(this.path)}`, async () => {
      const current = await this.readCurrent();
      if (current !== undefined) await rm(this.path, { force: true });
      return current?.holder;
    });
  }

  /**
   * attempt tries to create the lock, taking over a stale one on the way. It returns the handle,
   * the live holder that blocks us, or undefined when the file kept changing under us.
   */
  private async attempt(options: AcquireOptions): Promise<HeldLock | LockHolder | undefined> {
    let blocker: LockHolder | undefined;
    for (let round = 0; round < 4; round++) {
      const created = await this.tryCreate(options.command);
      if (created !== undefined) return created;
      const current = await this.readCurrent();
      if (current === undefined) continue; // released between our create and our read
      blocker = current.holder;
      if (staleReason(current.holder, this.now()) === undefined) return current.holder;
      const taken = await withTakeoverGuard(this.path, GUARD_STALE_MS, () => this.replaceStale(current, options.command));
      if (taken === BUSY) return current.holder; // another contender is taking over: poll
      if (taken !== undefined) {
        options.onStaleTakeover?.(current.holder);
        return taken;
      }
    }
    return blocker;
  }

  /**
   * tryCreate creates the lock file whole or not at all; undefined means it already exists. The
   * holder is written and synced to a temp file first, then hard-linked to the lock path (link
   * fails if the path exists), so a crash can never leave an empty or torn lock file that nobody
   * could identify until its lease ran out.
   */
  private async tryCreate(command: string): Promise<HeldLock | undefined> {
    const holder = makeHolder(command, this.ttlMs, this.now());
    const temp = `${this.path}.${process.pid}.tmp`;
    const handle = await open(temp, 'w', 0o600);
    try {
      await handle.writeFile(encodeHolder(holder), 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await link(temp, this.path);
    } catch (error) {
      if (hasCode(error, 'EEXIST')) return undefined;
      throw error;
    } finally {
      await rm(temp, { force: true });
    }
    await fsyncDir(dirname(this.path));
    return this.held(holder);
  }

  /**
   * replaceStale (run under the takeover guard) replaces the lock file with ours if it is still
   * exactly the file judged stale; undefined if it changed (released, renewed, or replaced).
   */
  private async replaceStale(stale: CurrentLock, command: string): Promise<HeldLock | undefined> {
    const now = await readTextIfExists(this.path);
    if (now === undefined || now.ino !== stale.file.ino || now.text !== stale.file.text) return undefined;
    const holder = makeHolder(command, this.ttlMs, this.now());
    await writeFileAtomic(this.path, encodeHolder(holder));
    return this.held(holder);
  }

  private held(holder: LockHolder): HeldLock {
    return new HeldLock(holder, { path: this.path, ttlMs: this.ttlMs, ...(this.renewMs !== undefined && { renewMs: this.renewMs }), now: this.now });
  }

  private async readCurrent(): Promise<CurrentLock | undefined> {
    const file = await readTextIfExists(this.path);
    if (file === undefined) return undefined;
    return { holder: parseHolder(file.text, file.mtimeMs, this.ttlMs), file };
  }

  private async unknownHolder(): Promise<LockHolder> {
    return (await this.inspect()) ?? parseHolder('', this.now(), this.ttlMs);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
