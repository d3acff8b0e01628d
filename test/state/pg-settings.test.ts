/**
 * Connection settings as libpq resolves them: the URL, then the service file, then PG* variables,
 * then defaults; sslmode as libpq means it; and no password in any error.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConvergeError } from '../../src/errors/converge-error.js';
import { describePg, resolvePgSettings, type PgSettings } from '../../src/state/pg/pg-settings.js';
import { tlsPlan } from '../../src/state/pg/pg-tls.js';
import { tempDir } from './helpers.js';

const NO_ENV = { HOME: '/nonexistent', PGSYSCONFDIR: '/nonexistent' };

describe('resolvePgSettings', () => {
  const cases: Array<{ reason: string; url: string; env?: NodeJS.ProcessEnv; expected: Partial<PgSettings> }> = [
    {
      reason: 'the URL gives user, password, host, port, database and TLS',
      url: 'postgresql://app:s%40cret@db.example:6432/converge?sslmode=verify-full&sslrootcert=/etc/ca.pem',
      expected: { user: 'app', password: 's@cret', host: 'db.example', port: 6432, database: 'converge', sslmode: 'verify-full', sslrootcert: '/etc/ca.pem', schema: 'converge' },
    },
    { reason: 'an IPv6 host loses its brackets', url: 'postgres://app@[::1]:5433/db', expected: { host: '::1', port: 5433 } },
    { reason: 'a socket directory may be %-encoded as the host', url: 'postgresql://app@%2Fvar%2Frun%2Fpg/db', expected: { host: '/var/run/pg' } },
    { reason: 'libpq allows user@ with no host and host= in the query', url: 'postgresql://app@/db?host=/tmp/sock', expected: { user: 'app', host: '/tmp/sock', database: 'db' } },
    {
      reason: 'PG* variables fill what the URL leaves out',
      url: 'postgresql:///?schema=team_a',
      env: { ...NO_ENV, PGHOST: 'env-host', PGPORT: '7000', PGUSER: 'env-user', PGPASSWORD: 'env-pass', PGDATABASE: 'env-db', PGSSLMODE: 'require', PGAPPNAME: 'ci', PGCONNECT_TIMEOUT: '3' },
      expected: { host: 'env-host', port: 7000, user: 'env-user', password: 'env-pass', database: 'env-db', sslmode: 'require', applicationName: 'ci', connectTimeoutMs: 3000, schema: 'team_a' },
    },
    { reason: 'the URL wins over the environment', url: 'postgresql://url-user@url-host/url-db?sslmode=disable', env: { ...NO_ENV, PGUSER: 'env-user', PGHOST: 'env-host', PGSSLMODE: 'require' }, expected: { user: 'url-user', host: 'url-host', database: 'url-db', sslmode: 'disable' } },
    { reason: 'libpq defaults: sslmode prefer, port 5432, database = user', url: 'postgresql://someone@h', env: NO_ENV, expected: { sslmode: 'prefer', port: 5432, database: 'someone', connectTimeoutMs: 10_000, applicationName: 'converge' } },
    { reason: 'sslrootcert=system implies verify-full', url: 'postgresql://u@h/d?sslrootcert=system', env: NO_ENV, expected: { sslmode: 'verify-full' } },
    { reason: 'ssl=true is libpq\'s alias of sslmode=require', url: 'postgresql://u@h/d?ssl=true', env: NO_ENV, expected: { sslmode: 'require' } },
  ];

  it.each(cases)('$reason', ({ url, env, expected }) => {
    expect(resolvePgSettings(url, env ?? NO_ENV)).toMatchObject(expected);
  });

  it('reads a service (PGSERVICE or service=) from the user file, between the URL and the environment in precedence', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'services.conf'), '# team databases\n[other]\nhost=wrong\n\n[state]\nhost = svc-host\nport=6543\ndbname=svc-db\nuser=svc-user\nsslmode=verify-ca\n');
    const env = { ...NO_ENV, PGSERVICEFILE: join(dir, 'services.conf'), PGSERVICE: 'state', PGHOST: 'env-host', PGUSER: 'env-user' };
    expect(resolvePgSettings('postgresql://url-user@/?schema=s', env)).toMatchObject({ host: 'svc-host', port: 6543, database: 'svc-db', user: 'url-user', sslmode: 'verify-ca' });
    expect(resolvePgSettings('postgresql:///?service=other', { ...env, PGSERVICE: undefined })).toMatchObject({ host: 'wrong', user: 'env-user' });
    expect(() => resolvePgSettings('postgresql:///?service=missing', env)).toThrow(/definition of PostgreSQL service "missing" not found/);
  });

  const invalid: Array<{ reason: string; url: string; message: string }> = [
    { reason: 'an unknown parameter (a typo)', url: 'postgresql://u@h/d?sslmod=require', message: 'unknown parameter "sslmod"' },
    { reason: 'an unknown sslmode', url: 'postgresql://u@h/d?sslmode=strict', message: 'invalid sslmode "strict"' },
    { reason: 'a weak sslmode with the system roots', url: 'postgresql://u@h/d?sslrootcert=system&sslmode=require', message: 'weak sslmode "require"' },
    { reason: 'a bad schema name', url: 'postgresql://u@h/d?schema=a-b', message: 'invalid schema "a-b"' },
    { reason: 'several hosts', url: 'postgresql://u@h1,h2/d', message: 'several hosts' },
    { reason: 'a bad port', url: 'postgresql://u@h:99999/d', message: 'not a valid URL' },
  ];
  it.each(invalid)('refuses $reason (INVALID STATE_URL_INVALID), never echoing the password', ({ url, message }) => {
    const withSecret = url.replace('u@', 'u:hunter2-secret@');
    let error: unknown;
    try {
      resolvePgSettings(withSecret, NO_ENV);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConvergeError);
    expect(error).toMatchObject({ kind: 'INVALID', code: 'STATE_URL_INVALID' });
    expect((error as Error).message).toContain(message);
    expect(JSON.stringify(error) + (error as Error).message).not.toContain('hunter2');
  });

  it('describes a database without its password', () => {
    const settings = resolvePgSettings('postgresql://app:hunter2-secret@db.example:6432/converge', NO_ENV);
    expect(describePg(settings)).toBe('postgresql://app@db.example:6432/converge');
  });
});

describe('tlsPlan (sslmode as libpq means it)', () => {
  const plan = (query: string, home = '/nonexistent') => tlsPlan(resolvePgSettings(`postgresql://u@db.example/d?${query}`, { ...NO_ENV, HOME: home }), { HOME: home });

  it('disable is plain; allow tries plain first; prefer tries TLS first; neither verifies', () => {
    expect(plan('sslmode=disable')).toEqual({ first: false });
    expect(plan('sslmode=allow')).toEqual({ first: false, fallback: { transport: { rejectUnauthorized: false }, when: 'server-requires-tls' } });
    expect(plan('sslmode=prefer')).toEqual({ first: { rejectUnauthorized: false }, fallback: { transport: false, when: 'server-has-no-tls' } });
  });

  it('require does not verify, unless a root certificate is configured (then it is verify-ca)', async () => {
    expect(plan('sslmode=require')).toEqual({ first: { rejectUnauthorized: false } });
    const dir = await tempDir();
    await writeFile(join(dir, 'ca.pem'), 'CA');
    const verified = plan(`sslmode=require&sslrootcert=${join(dir, 'ca.pem')}`).first as { rejectUnauthorized: boolean; ca: Buffer; checkServerIdentity?: () => undefined };
    expect(verified.rejectUnauthorized).toBe(true);
    expect(verified.ca.toString()).toBe('CA');
    expect(verified.checkServerIdentity?.()).toBeUndefined();
  });

  it('verify-full checks the host name too; verify-* without a root certificate file is a configuration error', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'ca.pem'), 'CA');
    const full = plan(`sslmode=verify-full&sslrootcert=${join(dir, 'ca.pem')}`).first as Record<string, unknown>;
    expect(full.rejectUnauthorized).toBe(true);
    expect(full.checkServerIdentity).toBeUndefined(); // Node's own host name check
    expect(() => plan('sslmode=verify-ca')).toThrow(expect.objectContaining({ code: 'STATE_TLS_CONFIG', message: expect.stringContaining('/nonexistent/.postgresql/root.crt" does not exist') }));
  });

  it('there is no TLS over a Unix socket, whatever sslmode says', () => {
    expect(tlsPlan(resolvePgSettings('postgresql://u@%2Ftmp/d?sslmode=verify-full&sslrootcert=/x', NO_ENV))).toEqual({ first: false });
  });
});
