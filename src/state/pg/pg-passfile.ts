/**
 * passfilePassword looks a password up in libpq's password file (`passfile=` / PGPASSFILE /
 * ~/.pgpass), with the `pgpass` package's parser and its checks (a file readable by group or
 * others is ignored, with a warning, as libpq does). node-postgres's own lookup is deprecated and
 * ignores a `passfile` given in the URL or service file, so converge calls the parser itself.
 */
import { createReadStream, statSync, type ReadStream, type Stats } from 'node:fs';
import { createRequire } from 'node:module';
import type { PgSettings } from './pg-settings.js';

interface PgPassHelper {
  getFileName(env: NodeJS.ProcessEnv): string;
  usePgPass(stats: Stats, file: string): boolean;
  getPassword(connInfo: { host: string; port: number; database: string; user: string }, stream: ReadStream, callback: (password: string | undefined) => void): void;
}

/** passfilePassword returns the first matching entry's password, or undefined. */
export async function passfilePassword(settings: PgSettings, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  // Loaded here, not at import: only a connection that is asked for a password needs it.
  const helper = createRequire(import.meta.url)('pgpass/lib/helper.js') as PgPassHelper;
  const file = settings.passfile ?? helper.getFileName(env);
  let stats: Stats;
  try {
    stats = statSync(file);
  } catch {
    return undefined;
  }
  if (!helper.usePgPass(stats, file)) return undefined;
  // libpq matches a connection over the Unix socket against entries for "localhost".
  const host = settings.host.startsWith('/') ? 'localhost' : settings.host;
  return new Promise((resolve) => helper.getPassword({ host, port: settings.port, database: settings.database, user: settings.user }, createReadStream(file), resolve));
}
