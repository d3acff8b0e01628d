/**
 * XmlRpcClient calls one XML-RPC endpoint over keep-alive connections (http-transport.ts), with a per-call timeout,
 * AbortSignal support and an optional rate limit. It maps every failure to a ConvergeError:
 *
 * | failure                                        | kind        | code                  |
 * |------------------------------------------------|-------------|-----------------------|
 * | connection refused/reset, socket hang up, DNS  | TRANSIENT   | XMLRPC_TRANSPORT      |
 * | TLS: certificate not trusted, name mismatch    | TERMINAL    | XMLRPC_TLS            |
 * | no reply within the timeout                    | TRANSIENT   | XMLRPC_TIMEOUT        |
 * | HTTP 429 / 5xx                                 | TRANSIENT   | XMLRPC_HTTP_<status>  |
 * | HTTP 401 / 403                                 | UNAUTHORIZED| XMLRPC_HTTP_<status>  |
 * | other HTTP status                              | TERMINAL    | XMLRPC_HTTP_<status>  |
 * | unparseable reply                              | TERMINAL    | XMLRPC_BAD_RESPONSE   |
 * | `<fault>`                                      | classifyFault (default TERMINAL) | XMLRPC_FAULT |
 *
 * A fault whose faultCode is a name rather than a number (fedd sends "Access Denied") keeps it as
 * `faultName`; `faultCode` is then NaN. With `clientCertificate`, HTTPS calls present that
 * certificate and key (fedd identifies callers by their certificate).
 * | aborted by the caller's signal, or by close()  | TERMINAL    | ABORTED               |
 *
 * Transport: keep-alive connections (http-transport.ts, undici) unless `connectionPerCall`, which
 * opens a connection per call (oneshot-transport.ts) for servers that close after every reply
 * (IM); both keep the same contract. gzip: the client asks for gzipped replies
 * (`Accept-Encoding: gzip`) only when the endpoint is not loopback (localhost, 127.0.0.0/8, ::1;
 * loopback.ts): over loopback compressing costs CPU on both sides and saves nothing. `acceptGzip`
 * forces it either way.
 *
 * Transport messages name the endpoint (`endpointLabel` and the URL without credentials) and a
 * hint (transport-errors.ts). `close()` aborts the calls still in flight, so that nothing a
 * finished run started (a sibling read of a failed batch, a retry loop) outlives it.
 * A timed-out or dropped *mutating* call has an unknown outcome: the caller (the driver, through
 * the journal) must re-observe rather than repeat it blindly. Messages never include request
 * bodies, so credentials sent as parameters cannot leak through errors.
 */
import { readFileSync } from 'node:fs';
import { setMaxListeners } from 'node:events';
import { ConvergeError, type ErrorKind } from '../errors/converge-error.js';
import { encodeCall } from './codec.js';
import { HttpTransport } from './http-transport.js';
import { isLoopbackHost } from '../util/loopback.js';
import { OneshotTransport } from './oneshot-transport.js';
import type { BodyReader, PostOptions } from './reply-handler.js';
import { ResponseReader, type ReadResponse } from './response-reader.js';
import { RateLimiter } from './rate-limiter.js';
import { endpointText, transportError } from './transport-errors.js';
import type { XmlRpcValue } from './value.js';
import type { Projection } from './projection.js';

export interface XmlRpcClientOptions {
  url: string;
  timeoutMs?: number;
  connectTimeoutMs?: number;
  maxSockets?: number;
  callsPerSecond?: number;
  caFile?: string;
  /** caPem trusts these PEM CA certificates (in addition to caFile, when both are given). */
  caPem?: string;
  insecureSkipVerify?: boolean;
  /** clientCertificate is presented on HTTPS connections (PEM certificate and key). */
  clientCertificate?: { certPem: string; keyPem: string };
  /**
   * classifyFault decides the kind of a `<fault>`; the default treats faults as TERMINAL.
   * `faultName` is the faultCode as sent when it is a name, not a number (fedd).
   */
  classifyFault?: (faultCode: number, faultString: string, faultName?: string) => ErrorKind;
  /** endpointLabel names the endpoint in transport errors, e.g. `backend im-local`. */
  endpointLabel?: string;
  /** onCall observes every call's outcome (metrics, call counts in reports). */
  onCall?: (event: CallEvent) => void;
  /** connectionPerCall: a new connection per call, for servers that close after every reply (IM). */
  connectionPerCall?: boolean;
  /** acceptGzip: ask for gzipped replies; default: only when the endpoint is not loopback. */
  acceptGzip?: boolean;
}

/** Transport is what HttpTransport and OneshotTransport both offer (http-transport.ts's contract). */
interface Transport {
  post<T>(method: string, xml: string, options: PostOptions, reader: BodyReader<T>): Promise<T>;
  close(reason: Error): void;
}

export interface CallEvent {
  method: string;
  durationMs: number;
  outcome: 'ok' | 'fault' | 'error';
  errorCode?: string;
}

export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  /** project: decode only these members of the reply's structs at its depth (projection.ts). */
  project?: Projection;
}

/** XmlRpcFaultError is a `<fault>` reply; faultCode and faultString are kept for drivers to map. */
export class XmlRpcFaultError extends ConvergeError {
  readonly faultCode: number;
  readonly faultString: string;
  /** faultName is the faultCode as sent when it is a name rather than a number (fedd). */
  readonly faultName: string | undefined;

  constructor(kind: ErrorKind, method: string, faultCode: number, faultString: string, faultName?: string) {
    super(kind, 'XMLRPC_FAULT', `${method}: fault ${faultName ?? faultCode}: ${faultString}`, { method, faultCode: faultName ?? faultCode });
    this.faultCode = faultCode;
    this.faultString = faultString;
    this.faultName = faultName;
  }
}

export class XmlRpcClient {
  readonly url: URL;
  readonly #options: XmlRpcClientOptions;
  readonly #transport: Transport;
  readonly #limiter: RateLimiter;
  /** #signals are the callers' signals already freed of the listener limit (one run-wide signal is shared by all calls). */
  readonly #signals = new WeakSet<AbortSignal>();
  #closed = false;
  readonly #where: string;

  constructor(options: XmlRpcClientOptions) {
    this.url = new URL(options.url);
    this.#options = options;
    this.#where = endpointText(this.url, options.endpointLabel);
    const Kind = options.connectionPerCall ? OneshotTransport : HttpTransport;
    this.#transport = new Kind(this.url, {
      connections: options.maxSockets ?? 16,
      acceptGzip: options.acceptGzip ?? !isLoopbackHost(this.url.hostname),
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
      where: this.#where,
      ...(this.url.protocol === 'https:'
        ? {
            tls: {
              ca: trustedCas(options),
              rejectUnauthorized: !options.insecureSkipVerify,
              ...(options.clientCertificate ? { cert: options.clientCertificate.certPem, key: options.clientCertificate.keyPem } : {}),
            },
          }
        : {}),
    });
    this.#limiter = new RateLimiter(options.callsPerSecond ?? 0);
  }

  /** call sends one method call and resolves with its decoded value, or throws a ConvergeError. */
  async call(method: string, params: XmlRpcValue[], options: CallOptions = {}): Promise<XmlRpcValue> {
    const started = Date.now();
    // One run-wide signal is shared by thousands of concurrent requests, each adding a listener.
    if (options.signal && !this.#signals.has(options.signal)) {
      setMaxListeners(0, options.signal);
      this.#signals.add(options.signal);
    }
    try {
      if (this.#limiter.limits) await this.#limiter.take(options.signal);
      const decoded = await this.#post(method, encodeCall(method, params), options);
      if (!decoded.ok) {
        const name = decoded.faultName;
        const kind = this.#options.classifyFault?.(decoded.faultCode, decoded.faultString, name) ?? 'TERMINAL';
        throw new XmlRpcFaultError(kind, method, decoded.faultCode, decoded.faultString, name);
      }
      this.#report(method, started, 'ok');
      return decoded.value;
    } catch (error) {
      const mapped = error instanceof ConvergeError ? error : transportError(method, error, this.#where);
      this.#report(method, started, mapped instanceof XmlRpcFaultError ? 'fault' : 'error', mapped.code);
      throw mapped;
    }
  }

  /** close aborts the calls in flight (ABORTED, never retried), refuses new ones, and drops the sockets. */
  close(): void {
    this.#closed = true;
    this.#transport.close(closedError());
  }

  #report(method: string, started: number, outcome: CallEvent['outcome'], errorCode?: string): void {
    this.#options.onCall?.({ method, durationMs: Date.now() - started, outcome, ...(errorCode ? { errorCode } : {}) });
  }

  #post(method: string, xml: string, options: CallOptions): Promise<ReadResponse> {
    if (this.#closed) return Promise.reject(closedError());
    const timeoutMs = options.timeoutMs ?? this.#options.timeoutMs ?? 60_000;
    return this.#transport.post(method, xml, { timeoutMs, signal: options.signal }, new ResponseReader(method, options.project));
  }
}

/** closedError is how a call cut short by close() fails: an AbortError, mapped to ABORTED. */
function closedError(): Error {
  return Object.assign(new Error('the client was closed'), { name: 'AbortError' });
}

/** trustedCas: the CA certificates to trust, from caFile and caPem (undefined: the system's). */
function trustedCas(options: XmlRpcClientOptions): Array<string | Buffer> | undefined {
  const cas = [...(options.caFile ? [readFileSync(options.caFile)] : []), ...(options.caPem ? [options.caPem] : [])];
  return cas.length > 0 ? cas : undefined;
}
