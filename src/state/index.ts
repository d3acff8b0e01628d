/**
 * The state module's entry point: `createStateStore` builds the default (file) store, `withLock`
 * runs work under the state lock. Other modules import from here, not from the files behind it.
 */
import { join } from 'node:path';
import { FileStateStore } from './file-store.js';
import type { LockHandle, StateLocker, StateStore } from './types.js';

export type * from './types.js';
export { FileStateStore, type FileStateStoreOptions } from './file-store.js';
export { FileLocker, type FileLockOptions } from './file-lock.js';
export { FileJournal, type FileJournalOptions } from './file-journal.js';
export { HeldLock } from './held-lock.js';

/** STATE_FILE_NAME is the state file's name inside a state directory. */
export const STATE_FILE_NAME = 'state.json';

/**
 * CreateStateStoreOptions locate the state: either `stateDir`, the directory that holds
 * `state.json`, its lock and its journal (conventionally `<manifests>/.converge`), or `path`, the
 * state file itself (`--state`, `CONVERGE_STATE`). `owner` is used only when the state is new.
 */
export type CreateStateStoreOptions = ({ stateDir: string; path?: undefined } | { path: string; stateDir?: undefined }) & {
  owner?: string;
};

/** createStateStore returns the file store (snapshot file + lock file + journal) for `options`. */
export function createStateStore(options: CreateStateStoreOptions): StateStore {
  const path = options.path ?? join(options.stateDir as string, STATE_FILE_NAME);
  return new FileStateStore({ path, ...(options.owner !== undefined && { owner: options.owner }) });
}

/**
 * withLock acquires the lock, runs `fn`, and releases the lock whether `fn` resolves or throws.
 * Acquisition failures (STATE_LOCKED) propagate without calling `fn`.
 */
export async function withLock<T>(
  locker: StateLocker,
  options: Parameters<StateLocker['acquire']>[0],
  fn: (lock: LockHandle) => Promise<T>,
): Promise<T> {
  const lock = await locker.acquire(options);
  try {
    return await fn(lock);
  } finally {
    await lock.release();
  }
}
