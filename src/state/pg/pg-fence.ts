/**
 * Fencing: every state and journal write checks, inside its own statement or transaction, that
 * the writer's fencing token is still the current, unexpired lease of its workspace. The check
 * takes a share lock on the lease row, so a takeover (which updates that row) waits for the write
 * to commit or sees it never happened: a holder that lost its lease can never write after another
 * holder took over. Expiry is judged by the database clock at the moment of the check.
 */
import { ConvergeError } from '../../errors/converge-error.js';

/** FenceToken is what a write is fenced by: the lease's token, or why there is none. */
export type FenceToken = { token: number } | { missing: 'none' | 'lost' };

/**
 * fenceCte is a `WITH` item named `fence` that yields one row when token $2 holds workspace $1's
 * lease; data-modifying statements select `FROM fence` so they do nothing otherwise.
 */
export function fenceCte(s: string): string {
  return `fence AS (SELECT token FROM ${s}.leases WHERE workspace = $1 AND token = $2 AND expires_at > clock_timestamp() FOR SHARE)`;
}

/** tokenOf returns the token to fence with, or throws the error for a writer without a lease. */
export function tokenOf(fence: FenceToken, where: string, workspace: string): number {
  if ('token' in fence) return fence.token;
  if (fence.missing === 'lost') throw leaseLostError(where, workspace);
  throw new ConvergeError(
    'TERMINAL',
    'STATE_LEASE_REQUIRED',
    `PostgreSQL ${where}: writes to workspace ${workspace} need its lease; take the state lock first (converge state commands take it for you)`,
    { database: where, workspace },
  );
}

/** leaseLostError is the CONFLICT a fenced write fails with once its lease is gone. */
export function leaseLostError(where: string, workspace: string, token?: number): ConvergeError {
  return new ConvergeError(
    'CONFLICT',
    'LEASE_LOST',
    `PostgreSQL ${where}: the lease on workspace ${workspace} expired or was taken over${token === undefined ? '' : ` (fencing token ${token} is no longer current)`}; nothing was written`,
    { database: where, workspace, ...(token !== undefined && { token }) },
  );
}
