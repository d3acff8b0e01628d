/**
 * ReplyHandler is one call's side of http-transport.ts (undici's DispatchHandlers): it passes the
 * reply's body to the call's BodyReader as it arrives (gunzipping it when needed), keeps the
 * call's timer, listens to its AbortSignal, and settles the call's promise once. The contract it
 * serves is http-transport.ts's.
 */
import { createGunzip, gunzipSync, type Gunzip } from 'node:zlib';
import type { Dispatcher } from 'undici';
import { ConvergeError, type ErrorKind } from '../errors/converge-error.js';
import { timeoutError } from './transport-errors.js';

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

/** ReplyHandler passes one reply's body to its reader (undici's DispatchHandlers) and settles the call's promise once. */
export class ReplyHandler<T> implements Dispatcher.DispatchHandlers {
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
    const gunzip = createGunzip({ chunkSize: 64 * 1024 }); // pieces of 64 kB: fewer stream steps than the default 16 kB (unzipping and decoding a 40 MB reply: median 471 ms of CPU against 563)
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
