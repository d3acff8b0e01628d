/**
 * HttpTransport POSTs XML-RPC documents to one endpoint over a pool of keep-alive connections
 * (undici's Pool, through its dispatch API). It replaced node:http's Agent and ClientRequest,
 * which cost about twice the CPU per call (bench/xmlrpc-bench.ts; docs/PERFORMANCE.md): a request
 * object, a URL conversion, header validation and half a dozen listeners per call. Everything
 * that can be computed once (path, headers, TLS options) is computed in the constructor.
 *
 * Contract (what XmlRpcClient relies on; transport failures keep node:http's error codes so that
 * transport-errors.ts maps them as before):
 * - `post` hands the body of an HTTP 200 (gunzipped when `Content-Encoding: gzip`) to the call's
 *   BodyReader piece by piece as it arrives, and resolves with what the reader's `end()` returns;
 *   it rejects with a ConvergeError for another status (httpError; the body is dropped unread),
 *   an unreadable gzip body, or what the reader threw (from `write`, reported once the reply is
 *   complete, or from `end`). The body is never held whole: a gzipped reply is unzipped as one
 *   piece while it is small (under GZIP_STREAM_BYTES compressed), else as a stream;
 * - no reply within `timeoutMs` rejects with XMLRPC_TIMEOUT (timeoutError): as node:http's
 *   socket inactivity timeout, the clock starts when the call gets its connection and restarts
 *   with every piece of the reply (a native timer: undici's own timeouts tick every half second);
 * - the caller's signal aborts the call, before or after it was sent, with an AbortError;
 * - `close()` fails every call queued or in flight with `closedError` and drops the sockets;
 * - a connection dropped before the reply is ECONNRESET, a connect timeout ETIMEDOUT, a peer
 *   that does not speak TLS EPROTO; other socket and TLS errors (ECONNREFUSED,
 *   DEPTH_ZERO_SELF_SIGNED_CERT, …) pass through unchanged;
 * - at most `connections` sockets, one call at a time on each (no pipelining); POST is never
 *   retried by the pool;
 * - URL credentials (`http://user:pass@host/`) are sent as HTTP Basic authorization, as node:http did.
 */
import { createRequire } from 'node:module';
import { createGunzip, gunzipSync, type Gunzip } from 'node:zlib';
import type { Dispatcher, Pool } from 'undici';
import { ConvergeError, type ErrorKind } from '../errors/converge-error.js';
import { timeoutError } from './transport-errors.js';

const require = createRequire(import.meta.url);
let poolClass: typeof Pool | undefined;

/**
 * loadPool loads undici's Pool alone, on first use: the package's index loads all of undici
 * (fetch, WebSocket, caches), about 80 ms of CPU at every start of the CLI; the Pool module about
 * 25 ms. The path is that of undici 6.x; should it move, the index is the fallback.
 */
function loadPool(): typeof Pool {
  if (!poolClass) {
    try {
      poolClass = require('undici/lib/dispatcher/pool.js') as typeof Pool;
    } catch {
      poolClass = (require('undici') as { Pool: typeof Pool }).Pool;
    }
  }
  return poolClass;
}

export interface HttpTransportOptions {
  /** connections caps the sockets (Infinity: no cap, as node:http's maxSockets). */
  connections: number;
  connectTimeoutMs: number;
  /** tls: options for HTTPS connections (CA, verification, client certificate). */
  tls?: { ca?: Array<string | Buffer>; rejectUnauthorized: boolean; cert?: string; key?: string };
  /** where names the endpoint in timeout messages. */
  where: string;
}

/**
 * BodyReader consumes one reply body piece by piece (`write`) and gives the call's result at the
 * end (`end`); either may throw to fail the call (the error is passed on as it is).
 */
export interface BodyReader<T> {
  write(chunk: Buffer): void;
  end(): T;
}

/**
 * GZIP_STREAM_BYTES: a gzipped reply is gathered and unzipped at once (one zlib call: cheaper for
 * the many small replies) until this many compressed bytes have come; a larger one is unzipped as
 * a stream, so that neither its compressed nor its unzipped bytes are ever held whole.
 */
export const GZIP_STREAM_BYTES = 64 * 1024;

export interface PostOptions {
  timeoutMs: number;
  signal?: AbortSignal | undefined;
}

export class HttpTransport {
  readonly #pool: Pool;
  readonly #path: string;
  readonly #headers: string[];
  readonly #where: string;

  constructor(url: URL, options: HttpTransportOptions) {
    this.#path = `${url.pathname}${url.search}`;
    this.#headers = ['Content-Type', 'text/xml', 'Accept-Encoding', 'gzip', 'User-Agent', 'converge'];
    if (url.username || url.password) {
      const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
      this.#headers.push('Authorization', `Basic ${Buffer.from(credentials).toString('base64')}`);
    }
    this.#where = options.where;
    const PoolClass = loadPool();
    this.#pool = new PoolClass(url.origin, {
      ...(Number.isFinite(options.connections) ? { connections: options.connections } : {}),
      pipelining: 1,
      connect: { timeout: options.connectTimeoutMs, ...(url.protocol === 'https:' ? options.tls : {}) },
    });
  }

  /** post sends one XML-RPC document (a methodCall of `method`) and resolves with what `reader` made of the reply body. */
  post<T>(method: string, xml: string, options: PostOptions, reader: BodyReader<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const reply = new ReplyHandler(method, options, this.#where, reader, resolve, reject);
      if (reply.settled) return;
      const dispatch: Dispatcher.DispatchOptions = {
        path: this.#path,
        method: 'POST',
        headers: this.#headers,
        body: xml,
        headersTimeout: 0, // the handler's own timer (see the contract)
        bodyTimeout: 0,
      };
      this.#pool.dispatch(dispatch, reply);
    });
  }

  /** close fails the calls queued or in flight with `reason` and closes the sockets. */
  close(reason: Error): void {
    this.#pool.destroy(reason).catch(() => undefined);
  }
}

/** ReplyHandler passes one reply's body to its reader (undici's DispatchHandlers) and settles the call's promise once. */
class ReplyHandler<T> implements Dispatcher.DispatchHandlers {
  settled = false;
  #status = 0;
  #gzip = false;
  /** #zipped: a gzipped body's first bytes, gathered until GZIP_STREAM_BYTES; then #gunzip takes over. */
  #zipped: Buffer[] = [];
  #zippedBytes = 0;
  #gunzip: Gunzip | undefined;
  #readError: unknown;
  /** #complete: the whole reply has arrived (undici is done with the request). */
  #complete = false;
  #abort: ((error: Error) => void) | undefined;
  #abortedBy: Error | undefined;
  #timer: NodeJS.Timeout | undefined;
  readonly #onAbort: (() => void) | undefined;

  constructor(
    readonly method: string,
    readonly options: PostOptions,
    readonly where: string,
    readonly reader: BodyReader<T>,
    readonly resolve: (result: T) => void,
    readonly reject: (error: unknown) => void,
  ) {
    const signal = options.signal;
    if (!signal) return;
    if (signal.aborted) {
      this.#fail(abortError());
      return;
    }
    this.#onAbort = () => {
      this.#abortedBy = abortError();
      this.#gunzip?.destroy();
      if (this.#abort && !this.#complete) this.#abort(this.#abortedBy);
      else this.#fail(this.#abortedBy); // still queued (undici will call onConnect, which aborts), or the body is being unzipped
    };
    signal.addEventListener('abort', this.#onAbort, { once: true });
  }

  onConnect(abort: (error: Error) => void): void {
    if (this.#abortedBy) return abort(this.#abortedBy);
    this.#abort = abort;
    this.#timer ??= setTimeout(() => this.#timeOut(), this.options.timeoutMs).unref();
  }

  #timeOut(): void {
    this.#abortedBy = timeoutError(this.method, this.options.timeoutMs, this.where);
    this.#gunzip?.destroy();
    this.#abort?.(this.#abortedBy);
  }

  onHeaders(status: number, headers: Buffer[] | string[] | null): boolean {
    this.#timer?.refresh();
    if (status < 200) return true; // 1xx informational
    this.#status = status;
    for (let i = 0; headers && i + 1 < headers.length; i += 2) {
      const name = headers[i]!;
      if (name.length === 16 && name.toString().toLowerCase() === 'content-encoding') this.#gzip = headers[i + 1]!.toString().trim().toLowerCase() === 'gzip';
    }
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.#timer?.refresh();
    if (this.#status !== 200 || this.settled || this.#abortedBy) return true; // an error status fails the call by itself
    if (!this.#gzip) this.#read(chunk);
    else if (this.#gunzip) this.#gunzip.write(chunk);
    else {
      this.#zipped.push(chunk);
      this.#zippedBytes += chunk.length;
      if (this.#zippedBytes >= GZIP_STREAM_BYTES) this.#startGunzip();
    }
    return true;
  }

  onComplete(): void {
    this.#complete = true;
    if (this.#timer) clearTimeout(this.#timer); // the whole reply is here: what is left is our own work
    if (this.#status !== 200) return this.#fail(httpError(this.method, this.#status));
    if (this.#gunzip) {
      this.#gunzip.end(); // #finish once the last piece is unzipped
      return;
    }
    if (this.#gzip) {
      let body: Buffer;
      try {
        body = gunzipSync(this.#zipped.length === 1 ? this.#zipped[0]! : Buffer.concat(this.#zipped));
      } catch (error) {
        return this.#fail(gzipError(this.method, error));
      }
      this.#zipped = [];
      this.#read(body);
    }
    this.#finish();
  }

  onError(error: Error): void {
    this.#gunzip?.destroy();
    this.#fail(this.#abortedBy ?? nodeError(error, this.method, this.options.timeoutMs, this.where));
  }

  /** #read hands a piece of the body to the reader; what it throws fails the call once the reply is complete. */
  #read(chunk: Buffer): void {
    if (this.#readError !== undefined) return;
    try {
      this.reader.write(chunk);
    } catch (error) {
      this.#readError = error;
    }
  }

  #startGunzip(): void {
    const gunzip = createGunzip();
    this.#gunzip = gunzip;
    gunzip.on('data', (piece: Buffer) => this.#read(piece));
    gunzip.on('error', (error) => this.#fail(gzipError(this.method, error)));
    gunzip.on('end', () => this.#finish());
    for (const piece of this.#zipped) gunzip.write(piece);
    this.#zipped = [];
  }

  #finish(): void {
    if (this.settled) return;
    if (this.#readError !== undefined) return this.#fail(this.#readError);
    let result: T;
    try {
      result = this.reader.end();
    } catch (error) {
      return this.#fail(error);
    }
    this.#settle();
    this.resolve(result);
  }

  #fail(error: unknown): void {
    if (this.settled) return;
    this.#settle();
    this.reject(error);
  }

  #settle(): void {
    this.settled = true;
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#onAbort) this.options.signal?.removeEventListener('abort', this.#onAbort);
  }
}

function gzipError(method: string, error: unknown): ConvergeError {
  return new ConvergeError('TERMINAL', 'XMLRPC_BAD_RESPONSE', `${method}: bad gzip body: ${(error as Error).message}`, { method });
}

/** nodeError gives undici's failures the codes node:http used, so transport-errors.ts maps them alike. */
function nodeError(error: Error, method: string, timeoutMs: number, where: string): Error {
  switch ((error as NodeJS.ErrnoException).code) {
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return timeoutError(method, timeoutMs, where);
    case 'ERR_SSL_WRONG_VERSION_NUMBER':
    case 'ERR_SSL_PACKET_LENGTH_TOO_LONG':
    case 'ERR_SSL_UNKNOWN_PROTOCOL':
      return withCode(error, 'EPROTO');
    case 'UND_ERR_CONNECT_TIMEOUT':
      return withCode(error, 'ETIMEDOUT');
    case 'UND_ERR_SOCKET': {
      const cause = (error.cause as NodeJS.ErrnoException | undefined)?.code;
      return withCode(error, cause ?? 'ECONNRESET');
    }
    case 'UND_ERR_ABORTED':
    case 'UND_ERR_DESTROYED':
    case 'UND_ERR_CLOSED':
      return abortError();
    default:
      return error;
  }
}

function withCode(error: Error, code: string): Error {
  return Object.assign(new Error(error.message, { cause: error }), { code });
}

function abortError(): Error {
  return Object.assign(new Error('the call was aborted'), { name: 'AbortError' });
}

export function httpError(method: string, status: number): ConvergeError {
  const kind: ErrorKind = status === 429 || status >= 500 ? 'TRANSIENT' : status === 401 || status === 403 ? 'UNAUTHORIZED' : 'TERMINAL';
  return new ConvergeError(kind, `XMLRPC_HTTP_${status}`, `${method}: HTTP ${status}`, { method, status });
}
