/**
 * The state module's entry point: `createStateStore` builds the file store or, for a
 * `postgres://` URL, the PostgreSQL store; `withLock` runs work under the state lock. Other
 * modules import from here, not from the files behind it.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConvergeError } from '../errors/converge-error.js';
import { FileStateStore } from './file-store.js';
import { DEFAULT_WORKSPACE, PgStateStore } from './pg/pg-store.js';
import { isPostgresUrl } from './pg/pg-settings.js';
import type { LockHandle, StateLocker, StateStore, StateTransfer } from './types.js';

export type * from './types.js';
export { FileStateStore, type FileStateStoreOptions } from './file-store.js';
export { FileLocker, type FileLockOptions } from './file-lock.js';
export { FileJournal, type FileJournalOptions } from './file-journal.js';
export { HeldLock } from './held-lock.js';
export { PgStateStore, DEFAULT_WORKSPACE, type PgStateStoreOptions } from './pg/pg-store.js';
export { isPostgresUrl, describePg, DEFAULT_SCHEMA } from './pg/pg-settings.js';
export { migrateState, type MigrateOptions, type MigrateResult } from './migrate-state.js';
export { keysUnder, removeKeys, renameKeys, refuseUnsettled } from './state-edits.js';
export { staleReason } from './lock-holder.js';
export { SHARD_COUNT, shardOfKey, shardOfResource } from './shards/shard-of.js';
export { supportsShards } from './shards/shard-types.js';
export type * from './shards/shard-types.js';

/** STATE_FILE_NAME is the state file's name inside a state directory. */
export const STATE_FILE_NAME = 'state.json';

/**
 * CreateStateStoreOptions locate the state: `stateDir`, the directory that holds `state.json`,
 * its lock and its journal (conventionally `<manifests>/.converge`); `path`, the state file
 * itself; or `url` (`--state`, `CONVERGE_STATE`): a `postgres://` or `postgresql://` URL selects
 * PostgreSQL (workspace `workspace`, default `default`), a `file:` URL or anything else is a
 * state file path. `owner` is used only when the state is new; `lock` tunes lease timings (tests).
 */
export type CreateStateStoreOptions = (
  | { stateDir: string; path?: undefined; url?: undefined }
  | { path: string; stateDir?: undefined; url?: undefined }
  | { url: string; stateDir?: undefined; path?: undefined }
) & {
  owner?: string;
  workspace?: string;
  lock?: { ttlMs?: number; renewMs?: number; pollMs?: number };
  /** env is where a database store reads libpq's PG* variables (default process.env). */
  env?: NodeJS.ProcessEnv;
};

/** StateStoreWithTransfer is what createStateStore returns: a store that can also be migrated and unlocked. */
export type StateStoreWithTransfer = StateStore & StateTransfer;

/** createStateStore returns the store `options` name (see CreateStateStoreOptions). */
export function createStateStore(options: CreateStateStoreOptions): StateStoreWithTransfer {
  const owner = options.owner !== undefined ? { owner: options.owner } : {};
  const lock = options.lock !== undefined ? { lock: options.lock } : {};
  if (options.url !== undefined && isPostgresUrl(options.url)) {
    const workspace = checkWorkspace(options.workspace ?? DEFAULT_WORKSPACE);
    return new PgStateStore({ url: options.url, workspace, ...owner, ...lock, ...(options.env && { env: options.env }) });
  }
  const fromUrl = options.url?.startsWith('file:') ? fileURLToPath(options.url) : options.url;
  const path = fromUrl ?? options.path ?? join(options.stateDir as string, STATE_FILE_NAME);
  return new FileStateStore({ path, ...owner, ...lock });
}

/** checkWorkspace accepts 1–200 printable characters (a workspace name appears in messages and rows). */
function checkWorkspace(name: string): string {
  if (name.length > 0 && name.length <= 200 && !/[\u0000-\u001f\u007f]/.test(name)) return name;
  throw new ConvergeError('INVALID', 'USAGE', `--workspace ${JSON.stringify(name)}: expected 1 to 200 printable characters`);
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
