/** A row of `<schema>.leases` and the LockHolder it describes. */
import type { LockHolder } from '../types.js';

/** LeaseRow is a `leases` row as node-postgres returns it (bigint as text, timestamptz as Date). */
export interface LeaseRow {
  workspace: string;
  token: string;
  holder_id: string;
  holder_user: string;
  holder_host: string;
  holder_pid: number;
  holder_pid_start: string | null;
  command: string;
  acquired_at: Date;
  renewed_at: Date;
  expires_at: Date;
}

/** holderOf describes a lease row as the LockHolder that messages and `inspect` show. */
export function holderOf(row: LeaseRow): LockHolder {
  return {
    id: row.holder_id,
    pid: row.holder_pid,
    ...(row.holder_pid_start !== null && { pidStart: row.holder_pid_start }),
    host: row.holder_host,
    user: row.holder_user,
    command: row.command,
    acquiredAt: row.acquired_at.toISOString(),
    heartbeatAt: row.renewed_at.toISOString(),
    expiresAt: row.expires_at.toISOString(),
    fencingToken: Number(row.token),
  };
}
