/**
 * PgStateStore serves the state interfaces from PostgreSQL (DESIGN §5), for teams, CI and several
 * machines sharing one state: a workspace row per manifest root (`--workspace`, default
 * `default`), object rows, the journal as rows, and a lease with a fencing token instead of a
 * lock file. The schema (default `converge`) is created and migrated on first use.
 *
 * Writes require the lease: `write`, `replaceAll` and every journal write are fenced by the token
 * of the lease taken through this store (STATE_LEASE_REQUIRED without one, LEASE_LOST once it is
 * gone), so only the current holder ever writes. Reads need no lease (`plan`, `status`).
 */
import { newSnapshot } from '../snapshot-codec.js';
import type { Intent, Journal, LockHandle, LockHolder, StateLocker, StateSnapshot, StateStore, StateTransfer } from '../types.js';
import { PgConnection, type PgConnectionOptions } from './pg-connection.js';
import type { PgContext } from './pg-context.js';
import { leaseLostError, type FenceToken } from './pg-fence.js';
import { PgJournal } from './pg-journal.js';
import type { PgLease } from './pg-lease.js';
import { PgLocker, type PgLockOptions } from './pg-locker.js';
import { migrate, quoteIdent } from './pg-migrations.js';
import { resolvePgSettings } from './pg-settings.js';
import { PgSnapshots } from './pg-snapshots.js';
import type { ShardCapable, ShardedStateStore, ShardTimings } from '../shards/shard-types.js';
import { PgShardedStore } from './shards/pg-sharded-store.js';

/** DEFAULT_WORKSPACE names the workspace used when none is given. */
export const DEFAULT_WORKSPACE = 'default';

/** PgStateStoreOptions: the URL (see pg-settings.ts), workspace, owner for a new state, and tuning (tests). */
export interface PgStateStoreOptions {
  url: string;
  workspace?: string;
  owner?: string;
  /** env is where libpq's PG* variables are read (default process.env). */
  env?: NodeJS.ProcessEnv;
  lock?: PgLockOptions;
  pool?: PgConnectionOptions;
}

export class PgStateStore implements StateStore, StateTransfer, ShardCapable {
  readonly description: string;
  readonly journal: Journal;
  readonly workspace: string;
  readonly schema: string;
  private readonly connection: PgConnection;
  private readonly owner: string | undefined;
  private readonly snapshots: PgSnapshots;
  private readonly locker: PgLocker;
  private migrated: Promise<void> | undefined;
  private lease: PgLease | undefined;

  constructor(options: PgStateStoreOptions) {
    const settings = resolvePgSettings(options.url, options.env);
    this.workspace = options.workspace ?? DEFAULT_WORKSPACE;
    this.schema = settings.schema;
    this.owner = options.owner;
    this.connection = new PgConnection(settings, options.pool);
    this.description = `${this.connection.description} (schema ${settings.schema}, workspace ${this.workspace})`;
    const ctx = this.context();
    this.snapshots = new PgSnapshots(ctx);
    this.locker = new PgLocker(ctx, options.lock);
    this.journal = new PgJournal(ctx);
  }

  /** read returns the workspace's snapshot, or a fresh unsaved one (new lineage, serial 0). */
  async read(): Promise<StateSnapshot> {
    return (await this.snapshots.read()) ?? newSnapshot(this.owner);
  }

  /** write: see StateWriter; fenced by this store's lease. */
  write(snapshot: StateSnapshot, expectedSerial: number): Promise<StateSnapshot> {
    return this.snapshots.write(snapshot, expectedSerial);
  }

  /** acquire takes the workspace lease (see PgLocker); this store's writes are fenced by it. */
  async acquire(options: Parameters<StateLocker['acquire']>[0]): Promise<LockHandle> {
    const lease = await this.locker.acquire(options);
    this.lease = lease;
    return lease;
  }

  inspect(): Promise<LockHolder | undefined> {
    return this.locker.inspect();
  }

  isEmpty(): Promise<boolean> {
    return this.snapshots.isEmpty();
  }

  replaceAll(snapshot: StateSnapshot, intents: Intent[]): Promise<void> {
    return this.snapshots.replaceAll(snapshot, intents);
  }

  breakLock(): Promise<LockHolder | undefined> {
    return this.locker.breakLock();
  }

  /**
   * sharded opens the replica side of this workspace for `converge watch --sharded` (see
   * ShardedStateStore), sharing this store's connection; closing it closes this store.
   */
  sharded(options: { replicaId: string; timings: ShardTimings }): ShardedStateStore {
    return new PgShardedStore(this.context(), options.replicaId, options.timings, () => this.close());
  }

  /** close releases a lease still held and closes the connections. */
  async close(): Promise<void> {
    await this.lease?.release();
    await this.connection.close();
  }

  private context(): PgContext {
    return {
      connection: this.connection,
      s: quoteIdent(this.schema),
      workspace: this.workspace,
      where: this.connection.description,
      ready: () => this.ready(),
      fence: () => this.fenceToken(),
      lost: (token) => {
        this.lease?.lost(`a write found the lease on workspace ${this.workspace} expired or taken over`);
        throw leaseLostError(this.connection.description, this.workspace, token);
      },
    };
  }

  /** ready migrates the schema once per store; a failure is retried by the next call. */
  private ready(): Promise<void> {
    this.migrated ??= migrate(this.connection, this.schema).catch((error: unknown) => {
      this.migrated = undefined;
      throw error;
    });
    return this.migrated;
  }

  private fenceToken(): FenceToken {
    const lease = this.lease;
    if (lease === undefined || lease.state === 'released') return { missing: 'none' };
    return lease.state === 'lost' ? { missing: 'lost' } : { token: lease.token };
  }
}
