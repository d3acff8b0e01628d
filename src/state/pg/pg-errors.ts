/**
 * pgError turns whatever node-postgres or the socket threw into a typed ConvergeError that names
 * the database (host, port, user, database: never the password) and what was being done:
 *
 *   connection refused, reset, lost, timed out, server shutting down, too many connections
 *                                          → TRANSIENT STATE_DB_UNAVAILABLE (retry later)
 *   serialization failure, deadlock        → CONFLICT  STATE_DB_SERIALIZATION
 *   wrong or missing password, no access   → UNAUTHORIZED STATE_DB_AUTH / STATE_DB_PERMISSION
 *   database missing                       → INVALID   STATE_DB_MISSING
 *   TLS refused or certificate not trusted → TERMINAL  STATE_DB_TLS
 *   anything else                          → TERMINAL  STATE_DB_ERROR
 *
 * The message passes through the redactor as well, so a password that a server or library might
 * ever echo is scrubbed.
 */
import { ConvergeError, type ErrorKind } from '../../errors/converge-error.js';
import { redact } from '../../errors/redact.js';

interface Classified {
  kind: ErrorKind;
  code: string;
  hint?: string;
}

const UNAVAILABLE: Classified = { kind: 'TRANSIENT', code: 'STATE_DB_UNAVAILABLE' };

const SQLSTATES: Record<string, Classified> = {
  '40001': { kind: 'CONFLICT', code: 'STATE_DB_SERIALIZATION' },
  '40P01': { kind: 'CONFLICT', code: 'STATE_DB_SERIALIZATION' },
  '28P01': { kind: 'UNAUTHORIZED', code: 'STATE_DB_AUTH' },
  '28000': { kind: 'UNAUTHORIZED', code: 'STATE_DB_AUTH' },
  '42501': { kind: 'UNAUTHORIZED', code: 'STATE_DB_PERMISSION' },
  '3D000': { kind: 'INVALID', code: 'STATE_DB_MISSING' },
  '57P01': UNAVAILABLE,
  '57P02': UNAVAILABLE,
  '57P03': UNAVAILABLE,
  '57014': UNAVAILABLE,
  '55P03': UNAVAILABLE,
};

const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND', 'ENOENT']);

const TRANSIENT_MESSAGES = [/Connection terminated/i, /timeout/i, /Client has encountered a connection error/i, /connection is closed/i];

/** pgError maps `error` (see the file comment); `database` is describePg's text, `action` what was attempted. */
export function pgError(error: unknown, database: string, action: string): ConvergeError {
  if (error instanceof ConvergeError) return error;
  const e = (error ?? {}) as { code?: unknown; message?: unknown };
  const message = typeof e.message === 'string' ? e.message : String(error);
  const sqlstate = typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) ? e.code : undefined;
  const c = classify(sqlstate, typeof e.code === 'string' ? e.code : undefined, message);
  return new ConvergeError(
    c.kind,
    c.code,
    redact(`PostgreSQL ${database}: ${action} failed: ${message}${c.hint ?? ''}`),
    { database, ...(sqlstate ? { sqlstate } : {}) },
    { cause: error },
  );
}

function classify(sqlstate: string | undefined, code: string | undefined, message: string): Classified {
  if (sqlstate !== undefined) {
    const known = SQLSTATES[sqlstate];
    if (known) return known;
    if (sqlstate.startsWith('08') || sqlstate.startsWith('53')) return UNAVAILABLE;
    return { kind: 'TERMINAL', code: 'STATE_DB_ERROR' };
  }
  if (code !== undefined && SOCKET_CODES.has(code)) return UNAVAILABLE;
  if (/password must be a string|password authentication/i.test(message)) {
    return { kind: 'UNAUTHORIZED', code: 'STATE_DB_AUTH', hint: ' (the server asks for a password: give it in the URL, PGPASSWORD, the service file or ~/.pgpass)' };
  }
  if (isTlsFailure(code, message)) return { kind: 'TERMINAL', code: 'STATE_DB_TLS' };
  if (TRANSIENT_MESSAGES.some((pattern) => pattern.test(message))) return UNAVAILABLE;
  return { kind: 'TERMINAL', code: 'STATE_DB_ERROR' };
}

/** isTlsFailure: the TLS handshake or certificate check failed, or the server refused TLS. */
export function isTlsFailure(code: string | undefined, message: string): boolean {
  return (
    (code !== undefined && (/CERT|SELF_SIGNED|UNABLE_TO_|ERR_TLS|ERR_SSL/.test(code) || code.startsWith('ERR_OSSL'))) ||
    /does not support SSL|establishing an SSL connection/i.test(message)
  );
}
