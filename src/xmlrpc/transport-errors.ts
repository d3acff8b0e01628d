/**
 * Transport failures name where the call went and what to do about it: "connection refused"
 * alone does not say which of five backends is down. Every message carries the endpoint (the
 * backend's manifest name when the caller gave it, and its URL with any user:password and query
 * values removed, since URLs can carry credentials) and a hint naming the setting to check.
 *
 * TLS verification failures are TERMINAL (`XMLRPC_TLS`): retrying cannot make a certificate
 * trusted. Everything else at the transport level stays TRANSIENT.
 */
import { ConvergeError } from '../errors/converge-error.js';

/** redactUrl is `url` without userinfo, and with query values replaced by `redacted`. */
export function redactUrl(url: URL): string {
  const copy = new URL(url.href);
  copy.username = '';
  copy.password = '';
  for (const key of [...copy.searchParams.keys()]) copy.searchParams.set(key, 'redacted');
  return copy.href;
}

/** endpointText names an endpoint in messages: `backend im-local at http://host:8899/`. */
export function endpointText(url: URL, label: string | undefined): string {
  return label ? `${label} at ${redactUrl(url)}` : redactUrl(url);
}

const TLS_CODES = /^(CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_(VERIFY|GET_ISSUER)|ERR_TLS_|ERR_SSL_|HOSTNAME_MISMATCH)/;

const HINTS: Record<string, string> = {
  ECONNREFUSED: 'nothing accepts connections there: is the backend running, and is spec.url right?',
  ENOTFOUND: 'the host name does not resolve: check spec.url (and DNS)',
  EAI_AGAIN: 'the host name could not be resolved right now (DNS): check spec.url and the resolver',
  ECONNRESET: 'the connection was dropped: a proxy, a restart of the backend, or plain HTTP sent to an HTTPS port?',
  EHOSTUNREACH: 'no route to the host: check spec.url and the network',
  ENETUNREACH: 'the network is unreachable: check spec.url and the network',
  ETIMEDOUT: 'the connection timed out: is the host up, and is a firewall dropping the port? (spec.timeouts.connect)',
};

const TLS_HINT = 'the server certificate is not trusted: set spec.tls.caFile to the CA that signed it (or fix the URL\'s host name)';
const HANDSHAKE_HINT = 'the TLS handshake failed: does this port speak https (check the scheme of spec.url)?';

/** transportError maps a socket-level failure of `method` to a ConvergeError naming `where`. */
export function transportError(method: string, error: unknown, where: string): ConvergeError {
  const err = error as NodeJS.ErrnoException;
  if (err?.name === 'AbortError') return new ConvergeError('TERMINAL', 'ABORTED', `${method}: aborted`, { method });
  const code = err?.code ?? 'UNKNOWN';
  const what = code === 'UNKNOWN' ? String(err?.message ?? error) : code;
  if (TLS_CODES.test(code) || code === 'EPROTO') {
    const hint = code === 'EPROTO' ? HANDSHAKE_HINT : TLS_HINT;
    return new ConvergeError('TERMINAL', 'XMLRPC_TLS', `${method}: ${what} from ${where}: ${hint}`, { method, errno: code });
  }
  const hint = HINTS[code];
  return new ConvergeError('TRANSIENT', 'XMLRPC_TRANSPORT', `${method}: ${what} from ${where}${hint ? `: ${hint}` : ''}`, { method, errno: code });
}

/** timeoutError is the failure of a call that got no reply within `timeoutMs`. */
export function timeoutError(method: string, timeoutMs: number, where: string): ConvergeError {
  return new ConvergeError('TRANSIENT', 'XMLRPC_TIMEOUT', `${method}: no reply within ${timeoutMs} ms from ${where} (spec.timeouts.call)`, { method, timeoutMs });
}

/**
 * socketError is an Error carrying one of Node's socket error codes (ECONNRESET, ETIMEDOUT, …),
 * for transports that detect those conditions themselves; transportError above maps it exactly
 * as it maps the same failure reported by the socket. These are Node's codes, not converge's.
 */
export function socketError(message: string, nodeCode: 'ECONNRESET' | 'ETIMEDOUT'): Error {
  return Object.assign(new Error(message), { code: nodeCode });
}
