/**
 * Membership of `converge watch --sharded` replicas: one `replicas` row per replica (its identity,
 * heartbeat and expiry, and what it reports converged), renewed with its shard leases. Live
 * members are those whose row has not expired by the database clock; each counts towards the
 * fair share of shards. Joining is refused while a single writer (`reconcile`, an unsharded
 * `watch`) holds the workspace lease, and a single writer is refused while replicas are live
 * (see PgLocker): both decisions run under one advisory transaction lock per workspace.
 */
import { lockedError } from '../../lock-holder.js';
import type { AppliedReport, ReplicaMember, ShardTimings } from '../../shards/shard-types.js';
import type { LockHolder } from '../../types.js';
import type { Querier } from '../pg-connection.js';
import type { PgContext } from '../pg-context.js';
import { holderOf, type LeaseRow } from '../pg-lease-row.js';
import { workspaceLockKey } from './pg-shard-fence.js';

interface ReplicaRow {
  replica_id: string;
  holder_user: string;
  holder_host: string;
  holder_pid: number;
  holder_pid_start: string | null;
  command: string;
  joined_at: Date;
  heartbeat_at: Date;
  expires_at: Date;
  applied: AppliedReport | null;
  shards?: number[];
}

export class PgMembership {
  constructor(
    private readonly ctx: PgContext,
    private readonly replicaId: string,
    private readonly me: LockHolder,
    private readonly timings: ShardTimings,
    private readonly pollMs = 500,
  ) {}

  /** join: see ShardedStateStore.join. */
  async join(timeoutMs: number, command: string): Promise<void> {
    const deadline = performance.now() + Math.max(0, timeoutMs);
    for (;;) {
      const blocker = await this.ctx.connection.transaction('joining the replicas', async (query) => {
        await query('SELECT pg_advisory_xact_lock($1)', [workspaceLockKey(this.ctx.s, this.ctx.workspace)]);
        const [lease] = await query<LeaseRow>(`SELECT * FROM ${this.ctx.s}.leases WHERE workspace = $1 AND expires_at > now()`, [this.ctx.workspace]);
        if (lease) return holderOf(lease);
        await this.upsert(query, undefined, command);
        return undefined;
      });
      if (!blocker) return;
      const remaining = deadline - performance.now();
      if (remaining <= 0) throw lockedError(blocker, `${this.ctx.where} workspace ${this.ctx.workspace}`);
      await new Promise((resolve) => setTimeout(resolve, Math.min(this.pollMs, remaining)));
    }
  }

  /** heartbeat: see ShardedStateStore.heartbeat (a row that expired meanwhile is simply written again: the replica rejoins). */
  async heartbeat(applied: AppliedReport | undefined): Promise<ReplicaMember[]> {
    await this.upsert((text, values) => this.ctx.connection.query('renewing the replica membership', text, values), applied, this.me.command);
    const rows = await this.ctx.connection.query<ReplicaRow>(
      'reading the replicas',
      `SELECT r.*, coalesce((SELECT array_agg(l.shard ORDER BY l.shard) FROM ${this.ctx.s}.shard_leases l
                WHERE l.workspace = r.workspace AND l.holder_id = r.replica_id AND l.expires_at > now()), '{}') AS shards
       FROM ${this.ctx.s}.replicas r WHERE r.workspace = $1 AND r.expires_at > now() ORDER BY r.replica_id`,
      [this.ctx.workspace],
    );
    return rows.map(memberOf);
  }

  /** leave deletes this replica's shard leases and membership row in one transaction. */
  async leave(): Promise<void> {
    await this.ctx.connection.transaction('leaving the replicas', async (query) => {
      await query(`DELETE FROM ${this.ctx.s}.shard_leases WHERE workspace = $1 AND holder_id = $2`, [this.ctx.workspace, this.replicaId]);
      await query(`DELETE FROM ${this.ctx.s}.replicas WHERE workspace = $1 AND replica_id = $2`, [this.ctx.workspace, this.replicaId]);
    });
  }

  private async upsert(query: Querier, applied: AppliedReport | undefined, command: string): Promise<void> {
    const m = this.me;
    await query(
      `INSERT INTO ${this.ctx.s}.replicas (workspace, replica_id, holder_user, holder_host, holder_pid, holder_pid_start, command, joined_at, heartbeat_at, expires_at, applied)
       VALUES ($1, $2, $3, $4, $5, $6, $7, now(), now(), now() + $8::double precision * interval '1 millisecond', $9::jsonb)
       ON CONFLICT (workspace, replica_id) DO UPDATE SET heartbeat_at = now(), expires_at = excluded.expires_at, applied = excluded.applied,
         joined_at = CASE WHEN ${this.ctx.s}.replicas.expires_at <= now() THEN now() ELSE ${this.ctx.s}.replicas.joined_at END`,
      [this.ctx.workspace, this.replicaId, m.user, m.host, m.pid, m.pidStart ?? null, command, this.timings.ttlMs, applied ? JSON.stringify(applied) : null],
    );
  }
}

/**
 * liveReplicaBlocker returns a replica that is live (membership or a shard lease unexpired), as
 * the holder a single writer is refused by; run it in the lease transaction after
 * `pg_advisory_xact_lock(workspaceLockKey)`.
 */
export async function liveReplicaBlocker(query: Querier, s: string, workspace: string): Promise<LockHolder | undefined> {
  const [row] = await query<ReplicaRow>(
    `SELECT r.* FROM ${s}.replicas r WHERE r.workspace = $1 AND (r.expires_at > now()
       OR EXISTS (SELECT 1 FROM ${s}.shard_leases l WHERE l.workspace = r.workspace AND l.holder_id = r.replica_id AND l.expires_at > now()))
     ORDER BY r.replica_id LIMIT 1`,
    [workspace],
  );
  return row && memberOf(row).holder;
}

function memberOf(row: ReplicaRow): ReplicaMember {
  const holder: LockHolder = {
    id: row.replica_id,
    pid: row.holder_pid,
    ...(row.holder_pid_start !== null && { pidStart: row.holder_pid_start }),
    host: row.holder_host,
    user: row.holder_user,
    command: row.command,
    acquiredAt: row.joined_at.toISOString(),
    heartbeatAt: row.heartbeat_at.toISOString(),
    expiresAt: row.expires_at.toISOString(),
  };
  return {
    id: row.replica_id,
    holder,
    joinedAt: holder.acquiredAt,
    heartbeatAt: holder.heartbeatAt,
    expiresAt: holder.expiresAt,
    ...(row.applied ? { applied: row.applied } : {}),
    shards: (row.shards ?? []).map(Number),
  };
}
