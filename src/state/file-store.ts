/**
 * FileStateStore keeps state in one JSON file (conventionally `.converge/state.json`), with its
 * lock at `<path>.lock` and its journal at `<dir>/journal.jsonl`.
 *
 * Writes are compare-and-swap on the serial: the stored serial (0 if no file) must equal
 * `expectedSerial`, and the stored lineage the snapshot's. Within one process writes to one path
 * run one at a time, so that check is exact; across processes it is exact for lock holders, and
 * otherwise still catches every writer that did not race within the same few milliseconds.
 *
 * Fencing: while this store holds its lock (acquired through it), every state and journal write
 * first checks that the lock file still names its holder, and fails with CONFLICT LEASE_LOST
 * otherwise, so a holder whose lock was taken over (it stalled past its lease) stops writing.
 * The check and the write are two steps, not one transaction as in PostgreSQL: a takeover landing
 * between them is not caught. Writes without the lock are allowed here, as they always were.
 */
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve as resolvePath } from 'node:path';
import { ConvergeError } from '../errors/converge-error.js';
import { hasCode, readTextIfExists, writeFileAtomic } from './atomic-file.js';
import { FileJournal } from './file-journal.js';
import { FileLocker } from './file-lock.js';
import type { HeldLock } from './held-lock.js';
import { runExclusive } from '../util/keyed-mutex.js';
import { holderIdOf } from './lock-holder.js';
import { newSnapshot, parseSnapshot } from './snapshot-codec.js';
import { stringifySorted } from './sorted-json.js';
import type { Intent, LockHandle, LockHolder, StateLocker, StateSnapshot, StateStore, StateTransfer } from './types.js';

/** FileStateStoreOptions name the state file; `lock` tunes the lease (tests). */
export interface FileStateStoreOptions {
  /** path of the state file, e.g. `<dir>/.converge/state.json`. */
  path: string;
  /** owner for a state created by this store; defaults to the new lineage. */
  owner?: string;
  lock?: { ttlMs?: number; renewMs?: number; pollMs?: number; now?: () => number };
}

export class FileStateStore implements StateStore, StateTransfer {
  readonly path: string;
  readonly description: string;
  readonly journal: FileJournal;
  private readonly owner: string | undefined;
  private readonly locker: FileLocker;
  /** held is the lock taken through this store, which its writes are fenced by. */
  private held: HeldLock | undefined;

  constructor(options: FileStateStoreOptions) {
    this.path = options.path;
    this.description = `file ${options.path}`;
    this.owner = options.owner;
    this.locker = new FileLocker({ ...options.lock, path: `${options.path}.lock` });
    this.journal = new FileJournal({ path: join(dirname(options.path), 'journal.jsonl'), fence: () => this.fence() });
  }

  /** read returns the stored snapshot, or a fresh unsaved one (new lineage, serial 0). */
  async read(): Promise<StateSnapshot> {
    const file = await readTextIfExists(this.path);
    return file === undefined ? newSnapshot(this.owner) : parseSnapshot(file.text, this.path);
  }

  /**
   * write stores `snapshot` with serial expectedSerial + 1 if the stored serial and lineage still
   * match (CONFLICT STATE_SERIAL_CONFLICT / STATE_LINEAGE_MISMATCH otherwise). The replaced file
   * is kept as `<path>.backup`. A corrupt stored file is never overwritten (STATE_CORRUPT).
   */
  async write(snapshot: StateSnapshot, expectedSerial: number): Promise<StateSnapshot> {
    return runExclusive(`state:${resolvePath(this.path)}`, async () => {
      await this.fence();
      await this.journal.sync(); // the journal's resolves are durable before any state that follows from them
      const previous = await readTextIfExists(this.path);
      const stored = previous === undefined ? undefined : parseSnapshot(previous.text, this.path);
      this.checkExpected(snapshot, stored, expectedSerial);
      const next: StateSnapshot = { ...snapshot, serial: expectedSerial + 1 };
      const text = stringifySorted(next);
      await mkdir(dirname(this.path), { recursive: true });
      if (previous !== undefined) await writeFileAtomic(`${this.path}.backup`, previous.text);
      await writeFileAtomic(this.path, text);
      return JSON.parse(text) as StateSnapshot;
    });
  }

  async acquire(options: Parameters<StateLocker['acquire']>[0]): Promise<LockHandle> {
    const lock = (await this.locker.acquire(options)) as HeldLock;
    this.held = lock;
    return lock;
  }

  inspect(): Promise<LockHolder | undefined> {
    return this.locker.inspect();
  }

  /** isEmpty: no state file and no journal entry. */
  async isEmpty(): Promise<boolean> {
    return (await readTextIfExists(this.path)) === undefined && (await this.journal.recent()).length === 0;
  }

  /** replaceAll writes `snapshot` as it is (lineage and serial kept) and `intents` as the journal. */
  async replaceAll(snapshot: StateSnapshot, intents: Intent[]): Promise<void> {
    await runExclusive(`state:${resolvePath(this.path)}`, async () => {
      await this.fence();
      await mkdir(dirname(this.path), { recursive: true });
      const previous = await readTextIfExists(this.path);
      if (previous !== undefined) await writeFileAtomic(`${this.path}.backup`, previous.text);
      await writeFileAtomic(this.path, stringifySorted(snapshot));
    });
    await this.journal.replaceAll(intents);
  }

  breakLock(): Promise<LockHolder | undefined> {
    return this.locker.breakLock();
  }

  /** close releases the journal's file descriptor. */
  async close(): Promise<void> {
    await this.journal.close();
  }

  /**
   * fence throws LEASE_LOST when this store took the lock and the lock file no longer names it, or
   * the lock's signal fired (not renewed in time): after that nothing more is written. It reads
   * the lock file on every call (before every journal batch and state write), synchronously: a
   * read of a few hundred bytes costs ~10 µs of CPU that way against ~150 µs through the thread
   * pool (open, stat, read, close), and nothing else may run between the check and the write anyway.
   */
  private async fence(): Promise<void> {
    const held = this.held;
    if (held === undefined || held.isReleased) return;
    const text = readLockText(`${this.path}.lock`);
    if (text !== undefined && holderIdOf(text) === held.holder.id && !held.signal.aborted) return;
    held.markLost();
    throw new ConvergeError(
      'CONFLICT',
      'LEASE_LOST',
      `the state lock of ${this.path} was taken over or removed since this run took it; nothing more is written`,
      { path: this.path, holderId: held.holder.id },
    );
  }

  private checkExpected(snapshot: StateSnapshot, stored: StateSnapshot | undefined, expectedSerial: number): void {
    if (stored !== undefined && stored.lineage !== snapshot.lineage) {
      throw new ConvergeError(
        'CONFLICT',
        'STATE_LINEAGE_MISMATCH',
        `state ${this.path} has lineage ${stored.lineage}, but the snapshot being written has lineage ${snapshot.lineage}; it belongs to another state`,
        { path: this.path, storedLineage: stored.lineage, lineage: snapshot.lineage },
      );
    }
    const storedSerial = stored?.serial ?? 0;
    if (storedSerial !== expectedSerial) {
      throw new ConvergeError(
        'CONFLICT',
        'STATE_SERIAL_CONFLICT',
        `state ${this.path} is at serial ${storedSerial}, but this write expected serial ${expectedSerial}; someone else wrote it meanwhile`,
        { path: this.path, storedSerial, expectedSerial },
      );
    }
  }
}

/** readLockText reads the lock file's text, undefined when there is none. */
function readLockText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if (hasCode(error, 'ENOENT')) return undefined;
    throw error;
  }
}
