/**
 * TLS as libpq users expect it, from `sslmode`:
 *
 *   disable      no TLS
 *   allow        plain first; TLS (unverified) if the server refuses a plain connection
 *   prefer       TLS (unverified) first; plain if the server has no TLS  (libpq's default)
 *   require      TLS, unverified, unless a root certificate is configured (then as verify-ca)
 *   verify-ca    TLS; the server's chain must lead to sslrootcert (default ~/.postgresql/root.crt)
 *   verify-full  verify-ca, and the certificate must name the host
 *
 * `sslrootcert=system` trusts the system's roots (and implies verify-full). Client certificates
 * come from sslcert/sslkey, or ~/.postgresql/postgresql.crt and .key when those exist. Over a
 * Unix socket there is no TLS, whatever sslmode says (as in libpq).
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ConnectionOptions } from 'node:tls';
import { ConvergeError } from '../../errors/converge-error.js';
import type { PgSettings } from './pg-settings.js';

/** Transport is what node-postgres's `ssl` option gets: false for plain, or Node's TLS options. */
export type Transport = false | ConnectionOptions;

/**
 * TlsPlan is the transport to try first and, for allow/prefer, the one to use instead when the
 * server turns the first one down in the named way.
 */
export interface TlsPlan {
  first: Transport;
  fallback?: { transport: Transport; when: 'server-has-no-tls' | 'server-requires-tls' };
}

/** tlsPlan builds the plan for `settings`; unreadable or missing certificate files throw INVALID STATE_TLS_CONFIG. */
export function tlsPlan(settings: PgSettings, env: NodeJS.ProcessEnv = process.env): TlsPlan {
  if (settings.host.startsWith('/')) return { first: false };
  const files = new CertificateFiles(settings, env);
  switch (settings.sslmode) {
    case 'disable':
      return { first: false };
    case 'allow':
      return { first: false, fallback: { transport: files.unverified(), when: 'server-requires-tls' } };
    case 'prefer':
      return { first: files.unverified(), fallback: { transport: false, when: 'server-has-no-tls' } };
    case 'require':
      return { first: files.hasRootCert() ? files.verified(false) : files.unverified() };
    case 'verify-ca':
      return { first: files.verified(false) };
    case 'verify-full':
      return { first: files.verified(true) };
  }
}

const noRootHint = '; either provide the file, use the system\'s trusted roots with sslrootcert=system, or change sslmode to disable server certificate verification';

/** CertificateFiles finds and reads the certificate files libpq would use. */
class CertificateFiles {
  private readonly dir: string;

  constructor(
    private readonly settings: PgSettings,
    env: NodeJS.ProcessEnv,
  ) {
    this.dir = join(env.HOME ?? homedir(), '.postgresql');
  }

  hasRootCert(): boolean {
    return this.settings.sslrootcert !== undefined || existsSync(join(this.dir, 'root.crt'));
  }

  unverified(): ConnectionOptions {
    return { rejectUnauthorized: false, ...this.clientCertificate() };
  }

  verified(checkHost: boolean): ConnectionOptions {
    const root = this.settings.sslrootcert;
    const ca = root === 'system' ? {} : { ca: this.read(root ?? join(this.dir, 'root.crt'), 'root certificate', noRootHint) };
    return {
      rejectUnauthorized: true,
      ...ca,
      ...this.clientCertificate(),
      ...(checkHost ? {} : { checkServerIdentity: () => undefined }),
    };
  }

  private clientCertificate(): Pick<ConnectionOptions, 'cert' | 'key'> {
    const certPath = this.settings.sslcert ?? join(this.dir, 'postgresql.crt');
    if (this.settings.sslcert === undefined && !existsSync(certPath)) return {};
    const keyPath = this.settings.sslkey ?? join(this.dir, 'postgresql.key');
    return { cert: this.read(certPath, 'client certificate'), key: this.read(keyPath, 'client key') };
  }

  private read(path: string, what: string, hint = ''): Buffer {
    try {
      return readFileSync(path);
    } catch (error) {
      const reason = (error as { code?: string }).code === 'ENOENT' ? 'does not exist' : `cannot be read (${(error as Error).message})`;
      throw new ConvergeError('INVALID', 'STATE_TLS_CONFIG', `${what} file "${path}" ${reason}${hint}`, { path, sslmode: this.settings.sslmode });
    }
  }
}
