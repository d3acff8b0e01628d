/**
 * libpq's connection service file (`PGSERVICE=name`, or `service=name` in the URL): an INI file
 * whose sections name services and whose lines are connection keywords. Read by hand because
 * node-postgres does not support it and no well-kept package does just this; the format is a few
 * lines of INI.
 *
 * Lookup as libpq does it: the per-user file (PGSERVICEFILE, default ~/.pg_service.conf) first;
 * if the service is not defined there, the system file `pg_service.conf` in PGSYSCONFDIR (default
 * Debian's /etc/postgresql-common). A service defined in neither is an error, as in libpq.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ConvergeError } from '../../errors/converge-error.js';

/** DEFAULT_SYSCONFDIR is where Debian's libpq looks for the system-wide service file. */
const DEFAULT_SYSCONFDIR = '/etc/postgresql-common';

/** serviceFilePaths lists the files searched for a service, in order. */
export function serviceFilePaths(env: NodeJS.ProcessEnv): string[] {
  return [env.PGSERVICEFILE ?? join(env.HOME ?? homedir(), '.pg_service.conf'), join(env.PGSYSCONFDIR ?? DEFAULT_SYSCONFDIR, 'pg_service.conf')];
}

/**
 * readService returns the keywords of service `name` from the first file that defines it, or
 * throws INVALID STATE_URL_INVALID naming the files searched. Values may hold a password: callers
 * never print them.
 */
export function readService(name: string, env: NodeJS.ProcessEnv): Map<string, string> {
  const paths = serviceFilePaths(env);
  for (const path of paths) {
    const text = readIfExists(path);
    if (text === undefined) continue;
    const found = parseServiceFile(text, path).get(name);
    if (found !== undefined) return found;
  }
  throw new ConvergeError('INVALID', 'STATE_URL_INVALID', `definition of PostgreSQL service "${name}" not found in ${paths.join(' or ')}`, { service: name });
}

/** parseServiceFile reads every section of a service file; a line that is not `key=value` is an error naming its line. */
export function parseServiceFile(text: string, path: string): Map<string, Map<string, string>> {
  const services = new Map<string, Map<string, string>>();
  let current: Map<string, string> | undefined;
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const section = /^\[(.+)\]$/.exec(line);
    if (section) {
      current = new Map();
      services.set(section[1]!.trim(), current);
      return;
    }
    const equals = line.indexOf('=');
    if (equals <= 0 || current === undefined) {
      throw new ConvergeError('INVALID', 'STATE_URL_INVALID', `syntax error in service file ${path}, line ${index + 1}`, { path, line: index + 1 });
    }
    current.set(line.slice(0, equals).trim(), line.slice(equals + 1).trim());
  });
  return services;
}

function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return undefined;
    throw new ConvergeError('INVALID', 'STATE_URL_INVALID', `cannot read service file ${path}: ${(error as Error).message}`, { path });
  }
}
