/**
 * forwardApiCall is the simulator's `forward_api_calls` (planetlab.md §B7): the login shell of an
 * nm-controller account. It takes one raw `<methodCall>` (stdin, read to EOF, at most 1 MiB; more
 * is cut off, as the C forwarder's buffer does), posts it to the node's NM simulator with the
 * caller set to the ssh login name, and gives back the bare reply body for stdout.
 *
 * As the real one:
 * - its own failures are a methodResponse fault 1 `"<op>: <strerror>"` (e.g. `connect(): Connection
 *   refused`) with exit status 1;
 * - a connection reset while reading the reply ends the output quietly (exit 0), with whatever
 *   arrived; an HTTP error page is passed through as it came;
 * - a 120 s alarm ends it with no more output (exit 1 here; the real one dies of SIGALRM).
 * The caller travels in the X-Converge-Nm-Caller header: the NM simulator's stand-in for the Unix
 * socket's peer credentials, so the NM URL must stay on loopback.
 */
import http from 'node:http';
import { encodeFault } from '../../../../xmlrpc/codec.js';
import { NM_CALLER_HEADER } from '../nm/caller.js';

/** MAX_REQUEST_BYTES is the forwarder's buffer: 1 MiB. */
export const MAX_REQUEST_BYTES = 1 << 20;
/** FORWARD_TIMEOUT_MS is the forwarder's alarm: 120 s. */
export const FORWARD_TIMEOUT_MS = 120_000;

/** ForwardRequest is one forwarder run: stdin, the node's NM URL, and the ssh login name. */
export interface ForwardRequest {
  input: Buffer;
  nmUrl: string;
  caller: string;
  timeoutMs?: number;
}

/** ForwardResult is what the forwarder process writes to stdout and the status it exits with. */
export interface ForwardResult {
  stdout: Buffer;
  exitCode: 0 | 1;
}

const STRERROR: Record<string, string> = {
  ECONNREFUSED: 'Connection refused',
  ENOENT: 'No such file or directory',
  ETIMEDOUT: 'Connection timed out',
  EHOSTUNREACH: 'No route to host',
  ENETUNREACH: 'Network is unreachable',
  EACCES: 'Permission denied',
  ECONNRESET: 'Connection reset by peer',
};

/** forwardApiCall never rejects: every failure becomes the output and exit status the forwarder would give. */
export function forwardApiCall(request: ForwardRequest): Promise<ForwardResult> {
  const body = request.input.subarray(0, MAX_REQUEST_BYTES);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (result: ForwardResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(alarm);
      resolve(result);
    };
    const alarm = setTimeout(() => {
      req.destroy();
      finish({ stdout: Buffer.concat(chunks), exitCode: 1 });
    }, request.timeoutMs ?? FORWARD_TIMEOUT_MS);
    const req = http.request(new URL('/', request.nmUrl), {
      method: 'POST',
      agent: false,
      headers: { 'Content-Type': 'text/xml', 'Content-Length': body.length, [NM_CALLER_HEADER]: request.caller },
    });
    req.on('response', (res) => {
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => finish({ stdout: Buffer.concat(chunks), exitCode: 0 }));
      res.on('aborted', () => finish({ stdout: Buffer.concat(chunks), exitCode: 0 }));
      res.on('error', () => finish({ stdout: Buffer.concat(chunks), exitCode: 0 }));
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (chunks.length > 0 || error.code === 'ECONNRESET') return finish({ stdout: Buffer.concat(chunks), exitCode: 0 });
      finish(localFailure('connect()', error));
    });
    req.end(body);
  });
}

/** localFailure is the forwarder's own fault reply: code 1, `"<op>: <strerror>"`. */
function localFailure(op: string, error: NodeJS.ErrnoException): ForwardResult {
  const reason = (error.code && STRERROR[error.code]) ?? error.message;
  return { stdout: Buffer.from(encodeFault(1, `${op}: ${reason}`), 'utf8'), exitCode: 1 };
}
