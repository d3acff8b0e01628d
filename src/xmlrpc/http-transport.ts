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
import type { Dispatcher, Pool } from 'undici';
import { ReplyHandler, type BodyReader, type PostOptions } from './reply-handler.js';

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
  /** acceptGzip: send `Accept-Encoding: gzip` (default true; XmlRpcClient decides, see its contract). */
  acceptGzip?: boolean;
}

export class HttpTransport {
  readonly #pool: Pool;
  readonly #path: string;
  readonly #headers: string[];
  readonly #where: string;

  constructor(url: URL, options: HttpTransportOptions) {
    this.#path = `${url.pathname}${url.search}`;
    this.#headers = ['Content-Type', 'text/xml', ...(options.acceptGzip === false ? [] : ['Accept-Encoding', 'gzip']), 'User-Agent', 'converge'];
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
