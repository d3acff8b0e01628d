/**
 * Shard leases: one `shard_leases` row per shard of a workspace, holding the replica that owns
 * it, a fencing token drawn from the same sequence as the workspace lease (so tokens only grow),
 * and an expiry set by the database clock. Claiming takes free or expired rows only, under the
 * workspace's advisory lock, and never while a single writer holds the workspace lease.
 */
import type { ShardLease, ShardRow, ShardTimings } from '../../shards/shard-types.js';
import type { PgContext } from '../pg-context.js';
import { workspaceLockKey } from './pg-shard-fence.js';

interface LeaseRow {
  shard: number;
  token: string;
  expires_at: Date;
}

export class PgShardLeases {
  constructor(
    private readonly ctx: PgContext,
    private readonly replicaId: string,
    private readonly timings: ShardTimings,
  ) {}

  /** renew: see ShardedStateStore.renew. */
  async renew(tokens: readonly number[]): Promise<ShardLease[]> {
    if (tokens.length === 0) return [];
    const rows = await this.ctx.connection.query<LeaseRow>(
      'renewing shard leases',
      `UPDATE ${this.ctx.s}.shard_leases SET renewed_at = now(), expires_at = now() + $4::double precision * interval '1 millisecond'
       WHERE workspace = $1 AND holder_id = $2 AND token = ANY($3::bigint[]) AND expires_at > now() RETURNING shard, token, expires_at`,
      [this.ctx.workspace, this.replicaId, tokens, this.timings.ttlMs],
    );
    return rows.map(leaseOf);
  }

  /** claim: see ShardedStateStore.claim. */
  async claim(shards: readonly number[]): Promise<ShardLease[]> {
    if (shards.length === 0) return [];
    const { s, workspace } = this.ctx;
    return this.ctx.connection.transaction('claiming shards', async (query) => {
      // A fencing token must never be handed out twice, even by a server set to relaxed commits.
      await query('SET LOCAL synchronous_commit = on');
      await query('SELECT pg_advisory_xact_lock($1)', [workspaceLockKey(s, workspace)]);
      const [locked] = await query(`SELECT 1 FROM ${s}.leases WHERE workspace = $1 AND expires_at > now()`, [workspace]);
      if (locked) return [];
      const rows = await query<LeaseRow>(
        `INSERT INTO ${s}.shard_leases (workspace, shard, token, holder_id, acquired_at, renewed_at, expires_at)
         SELECT $1, shard, nextval('${s}.lease_tokens'), $2, now(), now(), now() + $4::double precision * interval '1 millisecond' FROM unnest($3::int[]) AS shard
         ON CONFLICT (workspace, shard) DO UPDATE SET token = excluded.token, holder_id = excluded.holder_id, acquired_at = excluded.acquired_at,
           renewed_at = excluded.renewed_at, expires_at = excluded.expires_at
         WHERE ${s}.shard_leases.expires_at <= now()
         RETURNING shard, token, expires_at`,
        [workspace, this.replicaId, [...shards], this.timings.ttlMs],
      );
      return rows.map(leaseOf);
    });
  }

  /** release deletes the leases of these tokens (still this replica's), so others may claim them at once. */
  async release(tokens: readonly number[]): Promise<void> {
    if (tokens.length === 0) return;
    await this.ctx.connection.query('releasing shards', `DELETE FROM ${this.ctx.s}.shard_leases WHERE workspace = $1 AND holder_id = $2 AND token = ANY($3::bigint[])`, [
      this.ctx.workspace,
      this.replicaId,
      tokens,
    ]);
  }

  /** shardMap lists every shard row of the workspace (free shards have none). */
  async shardMap(): Promise<ShardRow[]> {
    const rows = await this.ctx.connection.query<{ shard: number; holder_id: string; token: string; live: boolean }>(
      'reading the shard map',
      `SELECT shard, holder_id, token, expires_at > now() AS live FROM ${this.ctx.s}.shard_leases WHERE workspace = $1 ORDER BY shard`,
      [this.ctx.workspace],
    );
    return rows.map((r) => ({ shard: r.shard, holder: r.holder_id, token: Number(r.token), live: r.live }));
  }
}

function leaseOf(row: LeaseRow): ShardLease {
  return { shard: row.shard, token: Number(row.token), expiresAt: row.expires_at.toISOString() };
}
