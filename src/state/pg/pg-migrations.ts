/**
 * The PostgreSQL schema, created and migrated by converge on first use. Migrations are numbered,
 * recorded in `<schema>.schema_migrations`, and each runs at most once. Two processes starting at
 * once are serialized by a transaction-level advisory lock (released by COMMIT or by a dropped
 * connection, so it cannot leak); the second finds the work done. A database already at the
 * newest version costs one query and takes no lock, so a user without CREATE rights can run
 * converge on a schema that an administrator migrated.
 *
 * Never edit a released migration: add the next number.
 */
import { createHash } from 'node:crypto';
import { ConvergeError } from '../../errors/converge-error.js';
import type { PgConnection } from './pg-connection.js';

/** Migration is one numbered step; `sql` gets the quoted schema name. */
interface Migration {
  version: number;
  name: string;
  sql: (s: string) => string;
}

const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'workspaces, objects, journal, leases',
    sql: (s) => `
      CREATE TABLE ${s}.workspaces (
        name text PRIMARY KEY,
        format_version integer NOT NULL,
        lineage text NOT NULL,
        serial bigint NOT NULL CHECK (serial >= 0),
        owner text NOT NULL,
        last_applied jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE ${s}.objects (
        workspace text NOT NULL REFERENCES ${s}.workspaces (name) ON DELETE CASCADE,
        key text NOT NULL,
        record jsonb NOT NULL,
        PRIMARY KEY (workspace, key)
      );
      CREATE TABLE ${s}.journal (
        workspace text NOT NULL,
        seq bigint GENERATED ALWAYS AS IDENTITY,
        id text NOT NULL,
        intent jsonb NOT NULL,
        key text GENERATED ALWAYS AS (intent->>'key') STORED,
        status text GENERATED ALWAYS AS (intent->>'status') STORED,
        unsettled boolean GENERATED ALWAYS AS ((intent->>'status') IN ('open', 'unknown') AND NOT (intent ? 'settledAt')) STORED,
        PRIMARY KEY (workspace, id)
      );
      CREATE INDEX journal_by_seq ON ${s}.journal (workspace, seq);
      CREATE SEQUENCE ${s}.lease_tokens;
      CREATE TABLE ${s}.leases (
        workspace text PRIMARY KEY,
        token bigint NOT NULL,
        holder_id text NOT NULL,
        holder_user text NOT NULL,
        holder_host text NOT NULL,
        holder_pid integer NOT NULL,
        holder_pid_start text,
        command text NOT NULL,
        acquired_at timestamptz NOT NULL,
        renewed_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL
      );`,
  },
  {
    version: 2,
    name: 'shards for watch replicas: membership, shard leases, per-row shard and fencing token',
    // Rows written by a single writer leave shard NULL; a replica fills it in when it joins.
    sql: (s) => `
      ALTER TABLE ${s}.objects ADD COLUMN shard smallint, ADD COLUMN token bigint, ADD COLUMN written_at timestamptz;
      CREATE INDEX objects_by_shard ON ${s}.objects (workspace, shard);
      ALTER TABLE ${s}.journal ADD COLUMN shard smallint, ADD COLUMN token bigint, ADD COLUMN holder_id text, ADD COLUMN written_at timestamptz;
      CREATE INDEX journal_by_shard ON ${s}.journal (workspace, shard, seq);
      CREATE TABLE ${s}.replicas (
        workspace text NOT NULL,
        replica_id text NOT NULL,
        holder_user text NOT NULL,
        holder_host text NOT NULL,
        holder_pid integer NOT NULL,
        holder_pid_start text,
        command text NOT NULL,
        joined_at timestamptz NOT NULL,
        heartbeat_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        applied jsonb,
        PRIMARY KEY (workspace, replica_id)
      );
      CREATE TABLE ${s}.shard_leases (
        workspace text NOT NULL,
        shard smallint NOT NULL CHECK (shard >= 0),
        token bigint NOT NULL,
        holder_id text NOT NULL,
        acquired_at timestamptz NOT NULL,
        renewed_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (workspace, shard)
      );
      CREATE TABLE ${s}.fence_rejections (
        workspace text NOT NULL,
        holder_id text NOT NULL,
        shard smallint NOT NULL,
        count bigint NOT NULL,
        last_action text NOT NULL,
        last_at timestamptz NOT NULL,
        PRIMARY KEY (workspace, holder_id, shard)
      );`,
  },
];

/** SCHEMA_VERSION is the newest migration this converge knows. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** quoteIdent quotes a PostgreSQL identifier (schema names are also checked when parsed). */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * migrate brings `schema` to SCHEMA_VERSION. A schema migrated by a newer converge throws
 * TERMINAL STATE_SCHEMA_TOO_NEW rather than being written with an older idea of the tables.
 */
export async function migrate(connection: PgConnection, schema: string): Promise<void> {
  if ((await currentVersion(connection, schema)) === SCHEMA_VERSION) return;
  const s = quoteIdent(schema);
  await connection.transaction('migrating the converge schema', async (query) => {
    await query('SELECT pg_advisory_xact_lock($1)', [advisoryKey(schema)]);
    await query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    await query(`CREATE TABLE IF NOT EXISTS ${s}.schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const applied = new Set((await query<{ version: number }>(`SELECT version FROM ${s}.schema_migrations`)).map((r) => r.version));
    checkNotNewer(Math.max(0, ...applied), connection, schema);
    for (const migration of MIGRATIONS) {
      if (applied.has(migration.version)) continue;
      await query(migration.sql(s));
      await query(`INSERT INTO ${s}.schema_migrations (version, name) VALUES ($1, $2)`, [migration.version, migration.name]);
    }
  });
}

/** currentVersion reads the newest applied migration without locking (0 when there is no schema yet). */
async function currentVersion(connection: PgConnection, schema: string): Promise<number> {
  const [present] = await connection.query<{ table: string | null }>('reading the schema version', 'SELECT to_regclass($1)::text AS table', [`${quoteIdent(schema)}.schema_migrations`]);
  if (!present?.table) return 0;
  const [row] = await connection.query<{ version: number | null }>('reading the schema version', `SELECT max(version) AS version FROM ${quoteIdent(schema)}.schema_migrations`);
  const version = row?.version ?? 0;
  checkNotNewer(version, connection, schema);
  return version;
}

function checkNotNewer(version: number, connection: PgConnection, schema: string): void {
  if (version <= SCHEMA_VERSION) return;
  throw new ConvergeError(
    'TERMINAL',
    'STATE_SCHEMA_TOO_NEW',
    `PostgreSQL ${connection.description}: schema ${schema} is at version ${version}, migrated by a newer converge; this one knows version ${SCHEMA_VERSION}`,
    { database: connection.description, schema, version },
  );
}

/** advisoryKey is a 64-bit lock key of its own per schema, as the decimal text of a bigint. */
function advisoryKey(schema: string): string {
  return createHash('sha256').update(`converge.migrate:${schema}`).digest().readBigInt64BE(0).toString();
}
