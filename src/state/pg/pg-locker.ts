/**
 * PgLocker takes a workspace's lease: one row of `<schema>.leases`, read FOR UPDATE and written
 * in one transaction, with times from the database clock. A missing row is inserted; an expired
 * one, or one whose holder is a dead process on this host, is taken over; a live one blocks, and
 * so does a live `watch --sharded` replica of the workspace; a blocked caller polls until
 * `timeoutMs` and then gets STATE_LOCKED naming the holder. Every acquisition draws a new
 * fencing token from the `lease_tokens` sequence, so tokens only grow.
 */
import { hostname } from 'node:os';
import { isPidAlive, lockedError, makeHolder } from '../lock-holder.js';
import type { LockHolder, StateLocker } from '../types.js';
import type { PgContext } from './pg-context.js';
import { PgLease, type PgLeaseTimings } from './pg-lease.js';
import { holderOf, type LeaseRow } from './pg-lease-row.js';
import { liveReplicaBlocker } from './shards/pg-membership.js';
import { workspaceLockKey } from './shards/pg-shard-fence.js';

/** PgLockOptions: lease length (default 15 s), renewal period (5 s), poll period while blocked (500 ms). */
export interface PgLockOptions {
  ttlMs?: number;
  renewMs?: number;
  pollMs?: number;
}

type AcquireOptions = Parameters<StateLocker['acquire']>[0];

type Attempt = { taken: LeaseRow; stale: LockHolder | undefined } | { blocker: LockHolder } | { raced: true };

export class PgLocker {
  private readonly timings: PgLeaseTimings;
  private readonly pollMs: number;

  constructor(
    private readonly ctx: PgContext,
    options: PgLockOptions = {},
  ) {
    this.timings = { ttlMs: options.ttlMs ?? 15_000, renewMs: options.renewMs ?? 5_000 };
    this.pollMs = options.pollMs ?? 500;
  }

  /** acquire: see StateLocker. */
  async acquire(options: AcquireOptions): Promise<PgLease> {
    await this.ctx.ready();
    const deadline = performance.now() + Math.max(0, options.timeoutMs);
    for (;;) {
      const startedAt = performance.now();
      const attempt = await this.attempt(options.command);
      if ('taken' in attempt) {
        if (attempt.stale) options.onStaleTakeover?.(attempt.stale);
        return new PgLease(this.ctx, holderOf(attempt.taken), this.timings, startedAt);
      }
      if ('raced' in attempt) continue; // another process inserted the row first: look again at once
      const remaining = deadline - performance.now();
      if (remaining <= 0) throw lockedError(attempt.blocker, `${this.ctx.where} workspace ${this.ctx.workspace}`);
      await new Promise((resolve) => setTimeout(resolve, Math.min(this.pollMs, remaining)));
    }
  }

  /** inspect returns the lease's holder, expired or not, if there is a lease row. */
  async inspect(): Promise<LockHolder | undefined> {
    await this.ctx.ready();
    const [row] = await this.ctx.connection.query<LeaseRow>('reading the lease', `SELECT * FROM ${this.ctx.s}.leases WHERE workspace = $1`, [this.ctx.workspace]);
    return row && holderOf(row);
  }

  /** breakLock deletes the lease row whoever holds it; that holder's next write or renewal fails. */
  async breakLock(): Promise<LockHolder | undefined> {
    await this.ctx.ready();
    const [row] = await this.ctx.connection.query<LeaseRow>('removing the lease', `DELETE FROM ${this.ctx.s}.leases WHERE workspace = $1 RETURNING *`, [this.ctx.workspace]);
    return row && holderOf(row);
  }

  private attempt(command: string): Promise<Attempt> {
    const me = makeHolder(command, this.timings.ttlMs, Date.now());
    const values = [this.ctx.workspace, me.id, me.user, me.host, me.pid, me.pidStart ?? null, me.command, this.timings.ttlMs];
    const { s } = this.ctx;
    return this.ctx.connection.transaction('taking the lease', async (query): Promise<Attempt> => {
      // A fencing token must never be handed out twice, even by a server set to relaxed commits.
      await query('SET LOCAL synchronous_commit = on');
      // Serialized with replicas claiming shards: a single writer and replicas never share a workspace.
      await query('SELECT pg_advisory_xact_lock($1)', [workspaceLockKey(s, this.ctx.workspace)]);
      const [row] = await query<LeaseRow & { expired: boolean }>(`SELECT *, expires_at <= now() AS expired FROM ${s}.leases WHERE workspace = $1 FOR UPDATE`, [this.ctx.workspace]);
      if (row !== undefined && !row.expired && !deadOnThisHost(row)) return { blocker: holderOf(row) };
      const replica = await liveReplicaBlocker(query, s, this.ctx.workspace);
      if (replica) return { blocker: replica };
      const token = `nextval('${s}.lease_tokens')`;
      const times = `now(), now(), now() + $8::double precision * interval '1 millisecond'`;
      const [taken] =
        row === undefined
          ? await query<LeaseRow>(
              `INSERT INTO ${s}.leases (workspace, token, holder_id, holder_user, holder_host, holder_pid, holder_pid_start, command, acquired_at, renewed_at, expires_at)
               VALUES ($1, ${token}, $2, $3, $4, $5, $6, $7, ${times}) ON CONFLICT (workspace) DO NOTHING RETURNING *`,
              values,
            )
          : await query<LeaseRow>(
              `UPDATE ${s}.leases SET (token, holder_id, holder_user, holder_host, holder_pid, holder_pid_start, command, acquired_at, renewed_at, expires_at)
               = (${token}, $2, $3, $4, $5, $6, $7, ${times}) WHERE workspace = $1 RETURNING *`,
              values,
            );
      if (taken === undefined) return { raced: true };
      return { taken, stale: row && holderOf(row) };
    });
  }
}

/** deadOnThisHost: the holder is a process of this host that no longer exists (or a reused pid). */
function deadOnThisHost(row: LeaseRow): boolean {
  return row.holder_host === hostname() && !isPidAlive(row.holder_pid, row.holder_pid_start ?? undefined);
}
