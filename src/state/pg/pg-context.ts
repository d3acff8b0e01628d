/**
 * PgContext is what the parts of the PostgreSQL store share: the connection, the quoted schema,
 * the workspace, and the current lease's fencing token.
 */
import type { PgConnection } from './pg-connection.js';
import type { FenceToken } from './pg-fence.js';

export interface PgContext {
  connection: PgConnection;
  /** s is the quoted schema name, ready to prefix table names. */
  s: string;
  workspace: string;
  /** where names the database for messages (no password). */
  where: string;
  /** ready resolves once the schema is migrated (first use migrates it). */
  ready(): Promise<void>;
  /** fence is the token writes are fenced by right now. */
  fence(): FenceToken;
  /** lost records that a fenced write found `token` no longer current, and throws LEASE_LOST. */
  lost(token: number): never;
}
