/**
 * PgSettings: where and how to connect, resolved from a `postgres://` URL, libpq's service file
 * and libpq's environment variables, with libpq's precedence (URL, then service file, then
 * environment, then defaults) and libpq's keyword names. node-postgres is given the resolved
 * values one by one, never the URL: its own URL parser treats sslmode=require as verify-full and
 * knows no service file.
 *
 * Supported keywords (in the URL query, the service file, or as PG* variables): host, port, user,
 * password, dbname, passfile, sslmode, sslrootcert, sslcert, sslkey, sslnegotiation,
 * connect_timeout, application_name, service (PGSERVICE), and converge's own `schema` (URL only).
 * The password never leaves this value except to the connection itself.
 */
import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { ConvergeError } from '../../errors/converge-error.js';
import { registerSecret } from '../../errors/redact.js';
import { readService } from './pg-service-file.js';

export type SslMode = 'disable' | 'allow' | 'prefer' | 'require' | 'verify-ca' | 'verify-full';

const SSL_MODES: readonly SslMode[] = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'];

/** DEFAULT_SCHEMA is the PostgreSQL schema converge's tables live in unless `?schema=` says otherwise. */
export const DEFAULT_SCHEMA = 'converge';

/** PgSettings are resolved connection settings; `password` is a secret. */
export interface PgSettings {
  /** host is a host name, an IP address, or a Unix socket directory (starts with `/`). */
  host: string;
  port: number;
  user: string;
  database: string;
  password: string | undefined;
  /** passfile is where a missing password is looked up (libpq's ~/.pgpass format). */
  passfile: string | undefined;
  sslmode: SslMode;
  sslrootcert: string | undefined;
  sslcert: string | undefined;
  sslkey: string | undefined;
  sslnegotiation: 'postgres' | 'direct';
  /** connectTimeoutMs: 0 waits forever, as libpq's connect_timeout=0. */
  connectTimeoutMs: number;
  applicationName: string;
  schema: string;
}

const KEYWORD_ENV = {
  host: 'PGHOST',
  port: 'PGPORT',
  user: 'PGUSER',
  password: 'PGPASSWORD',
  dbname: 'PGDATABASE',
  passfile: 'PGPASSFILE',
  sslmode: 'PGSSLMODE',
  sslrootcert: 'PGSSLROOTCERT',
  sslcert: 'PGSSLCERT',
  sslkey: 'PGSSLKEY',
  sslnegotiation: 'PGSSLNEGOTIATION',
  connect_timeout: 'PGCONNECT_TIMEOUT',
  application_name: 'PGAPPNAME',
} as const;

type Keyword = keyof typeof KEYWORD_ENV;

const NO_HOST = 'converge-no-host.invalid';

/** URL_ONLY keywords are read from the URL query but have no environment variable of their own here. */
const URL_ONLY = new Set(['service', 'schema', 'ssl']);

/** isPostgresUrl tells a database state location from a file path. */
export function isPostgresUrl(value: string): boolean {
  return /^postgres(ql)?:\/\//i.test(value);
}

/** resolvePgSettings resolves `url` (see the file comment); bad input throws INVALID STATE_URL_INVALID. */
export function resolvePgSettings(url: string, env: NodeJS.ProcessEnv = process.env): PgSettings {
  const explicit = parseUrl(url);
  const serviceName = explicit.get('service') ?? nonEmpty(env.PGSERVICE);
  const service = serviceName === undefined ? new Map<string, string>() : readService(serviceName, env);
  for (const key of service.keys()) if (!(key in KEYWORD_ENV)) throw invalid(`unsupported keyword "${key}" in PostgreSQL service "${serviceName}"`);
  const pick = (keyword: Keyword): string | undefined => explicit.get(keyword) ?? nonEmpty(service.get(keyword)) ?? nonEmpty(env[KEYWORD_ENV[keyword]]);
  const user = pick('user') ?? osUser();
  const password = pick('password');
  if (password !== undefined) registerSecret(password);
  const sslrootcert = pick('sslrootcert');
  const sslmode = sslModeOf(pick('sslmode'), sslrootcert);
  const sslnegotiation = negotiationOf(pick('sslnegotiation'));
  if (sslnegotiation === 'direct' && !['require', 'verify-ca', 'verify-full'].includes(sslmode)) {
    throw invalid(`weak sslmode "${sslmode}" may not be used with sslnegotiation=direct (use "require", "verify-ca" or "verify-full")`);
  }
  return {
    host: pick('host') ?? defaultHost(),
    port: integer('port', pick('port') ?? '5432', 1, 65_535),
    user,
    database: pick('dbname') ?? user,
    password,
    passfile: pick('passfile'),
    sslmode,
    sslrootcert,
    sslcert: pick('sslcert'),
    sslkey: pick('sslkey'),
    sslnegotiation,
    connectTimeoutMs: integer('connect_timeout', pick('connect_timeout') ?? '10', 0, 86_400) * 1000,
    applicationName: pick('application_name') ?? 'converge',
    schema: schemaOf(explicit.get('schema') ?? DEFAULT_SCHEMA),
  };
}

/** describePg names a database for messages: never the password. */
export function describePg(settings: Pick<PgSettings, 'host' | 'port' | 'user' | 'database'>): string {
  const host = settings.host.startsWith('/') ? encodeURIComponent(settings.host) : settings.host.includes(':') ? `[${settings.host}]` : settings.host;
  return `postgresql://${encodeURIComponent(settings.user)}@${host}:${settings.port}/${encodeURIComponent(settings.database)}`;
}

/** parseUrl returns the keywords the URL sets; errors never quote the URL (it may hold a password). */
function parseUrl(text: string): Map<string, string> {
  let url: URL;
  try {
    // libpq accepts `user@` with no host (`postgresql://me@/db?host=/tmp`); WHATWG URL does not.
    url = new URL(text.replace(/^(postgres(?:ql)?:\/\/[^/?#]*@)(?=[/?#]|$)/i, `$1${NO_HOST}`));
  } catch {
    throw invalid('the PostgreSQL state URL is not a valid URL (expected postgresql://user@host:port/database)');
  }
  const out = new Map<string, string>();
  const set = (key: string, value: string): void => void (value !== '' && out.set(key, value));
  set('user', decode(url.username));
  set('password', decode(url.password));
  const host = url.hostname === NO_HOST ? '' : decode(url.hostname).replace(/^\[(.*)\]$/, '$1');
  if (host.includes(',')) throw invalid('several hosts in one PostgreSQL URL are not supported');
  set('host', host);
  set('port', url.port);
  set('dbname', decode(url.pathname.replace(/^\//, '')));
  for (const [key, value] of url.searchParams) {
    if (!(key in KEYWORD_ENV) && !URL_ONLY.has(key)) throw invalid(`unknown parameter "${key}" in the PostgreSQL URL`);
    out.set(key, value);
  }
  if (out.get('ssl') === 'true' && !out.has('sslmode')) out.set('sslmode', 'require'); // libpq's JDBC-style alias
  out.delete('ssl');
  return out;
}

function sslModeOf(value: string | undefined, sslrootcert: string | undefined): SslMode {
  if (value === undefined) return sslrootcert === 'system' ? 'verify-full' : 'prefer';
  if (!SSL_MODES.includes(value as SslMode)) throw invalid(`invalid sslmode "${value}" (expected one of ${SSL_MODES.join(', ')})`);
  if (sslrootcert === 'system' && value !== 'verify-full') throw invalid(`weak sslmode "${value}" may not be used with sslrootcert=system (use "verify-full")`);
  return value as SslMode;
}

function negotiationOf(value: string | undefined): 'postgres' | 'direct' {
  if (value === undefined || value === 'postgres' || value === 'direct') return value ?? 'postgres';
  throw invalid(`invalid sslnegotiation "${value}" (expected postgres or direct)`);
}

function schemaOf(value: string): string {
  if (/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(value)) return value;
  throw invalid(`invalid schema "${value}" (letters, digits and _, not starting with a digit)`);
}

function integer(keyword: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (/^\d+$/.test(value) && n >= min && n <= max) return n;
  throw invalid(`invalid ${keyword} "${value}" (expected a whole number from ${min} to ${max})`);
}

/** defaultHost is libpq's on Debian: the server's Unix socket directory when there is one. */
function defaultHost(): string {
  return existsSync('/var/run/postgresql') ? '/var/run/postgresql' : 'localhost';
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'postgres';
  }
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw invalid('the PostgreSQL state URL has a malformed %-escape');
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function invalid(message: string): ConvergeError {
  return new ConvergeError('INVALID', 'STATE_URL_INVALID', message);
}
