/**
 * FileStateStore keeps state in one JSON file (conventionally `.converge/state.json`), with its
 * lock at `<path>.lock` and its journal at `<dir>/journal.jsonl`.
 *
 * Writes are compare-and-swap on the serial: the stored serial (0 if no file) must equal
 * `expectedSerial`, and the stored lineage the snapshot's. Within one process writes to one path
 * run one at a time, so that check is exact; across processes it is exact for lock holders, and
 * otherwise still catches every writer that did not race within the same few milliseconds.
 */
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve as resolvePath } from 'node:path';
import { ConvergeError } from '../errors/converge-error.js';
import { readTextIfExists, writeFileAtomic } from './atomic-file.js';
import { FileJournal } from './file-journal.js';
import { FileLocker } from './file-lock.js';
import { runExclusive } from '../util/keyed-mutex.js';
import { newSnapshot, parseSnapshot } from './snapshot-codec.js';
import { stringifySorted } from './sorted-json.js';
import type { Journal, LockHandle, LockHolder, StateLocker, StateSnapshot, StateStore } from './types.js';

/** FileStateStoreOptions name the state file; `lock` tunes the lease (tests). */
export interface FileStateStoreOptions {
  /** path of the state file, e.g. `<dir>/.converge/state.json`. */
  path: string;
  /** owner for a state created by this store; defaults to the new lineage. */
  owner?: string;
  lock?: { ttlMs?: number; pollMs?: number; now?: () => number };
}

export class FileStateStore implements StateStore {
  readonly path: string;
  readonly description: string;
  readonly journal: Journal;
  private readonly owner: string | undefined;
  private readonly locker: FileLocker;

  constructor(options: FileStateStoreOptions) {
    this.path = options.path;
    this.description = `file ${options.path}`;
    this.owner = options.owner;
    this.locker = new FileLocker({ ...options.lock, path: `${options.path}.lock` });
    this.journal = new FileJournal({ path: join(dirname(options.path), 'journal.jsonl') });
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

  acquire(options: Parameters<StateLocker['acquire']>[0]): Promise<LockHandle> {
    return this.locker.acquire(options);
  }

  inspect(): Promise<LockHolder | undefined> {
    return this.locker.inspect();
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
