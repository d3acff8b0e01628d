/**
 * ControllerOptions are the settings of `converge watch` (see src/cli/commands/watch.ts for the
 * flags and their defaults).
 */
import type { ListenAddress } from './http/listen-address.js';
import type { Logger } from './log/json-log.js';
import type { SelectionFlags } from '../engine/select/selection.js';

export interface ControllerOptions {
  dir: string;
  statePath?: string;
  owner?: string;
  /** workspace selects the workspace of a PostgreSQL state. */
  workspace?: string;
  listen: ListenAddress;
  /** resyncMs is the period of the full re-read and re-queue (±10% jitter). */
  resyncMs: number;
  /** workers is how many passes may run at once (on different resources). */
  workers: number;
  prune: boolean;
  maxDestroy?: number;
  /** parallelism bounds the actions in flight within one pass, across backends. */
  parallelism: number;
  /** passWaitMs bounds how long one pass waits for progressing objects before requeueing. */
  passWaitMs: number;
  pollMs: number;
  /** graceMs is how long SIGTERM lets actions in flight finish before aborting them. */
  graceMs: number;
  /** debounceMs is the quiet time after the last file event before the manifests are reloaded. */
  debounceMs: number;
  lockTimeoutMs: number;
  /** cacheMaxAgeMs bounds the age of a cached observation (default: resyncMs). */
  cacheMaxAgeMs?: number;
  /**
   * replica makes this controller one of several sharing a PostgreSQL workspace (`--sharded`):
   * it reconciles only the resources of the shards it holds (see replica/replica.ts).
   */
  replica?: { id: string; ttlMs: number; renewMs: number };
  /** selection limits the controller to the resources `--target` / `-l` select (absent: all). */
  selection?: SelectionFlags;
  log: Logger;
  generator: string;
  version: string;
}
