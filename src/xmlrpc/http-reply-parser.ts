/**
 * HttpReplyParser reads one HTTP/1.x reply from the bytes of a connection that carries nothing
 * else (oneshot-transport.ts) and passes it on to a ReplyHandler (reply-handler.ts) the way
 * undici does: `onHeaders` once per status line (1xx replies included), `onData` with each piece
 * of the body, `onComplete` when the body is whole.
 *
 * Contract:
 * - it understands only what an XML-RPC server sends: a status line `HTTP/1.0|1.1 NNN reason`,
 *   header lines `name: value` (at most HEAD_BYTES in all), and a body framed by
 *   `Transfer-Encoding: chunked`, by `Content-Length`, or by the end of the connection (no
 *   body for 1xx, 204 and 304). Anything else (another transfer coding, two different lengths, a
 *   malformed line or chunk size) throws a ConvergeError XMLRPC_BAD_RESPONSE naming the method;
 * - `write` returns true once the reply is complete (bytes after it are ignored);
 * - `end()` tells that the peer closed: a reply framed by the connection's end completes; any
 *   other incomplete reply throws an Error with code ECONNRESET, as a dropped connection does.
 */
import { ConvergeError } from '../errors/converge-error.js';
import { socketError } from './transport-errors.js';

/** HEAD_BYTES caps a reply's status line and headers together (node:http's default is 16 kB). */
export const HEAD_BYTES = 64 * 1024;

/** ReplySink is the part of undici's DispatchHandlers a reply is handed to (ReplyHandler implements it). */
export interface ReplySink {
  onHeaders(status: number, headers: string[]): boolean;
  onData(chunk: Buffer): boolean;
  onComplete(trailers: null): void;
}

const enum State { Head, Length, ChunkSize, ChunkData, ChunkDataEnd, Trailers, ToEof, Done }

const CRLF = Buffer.from('\r\n');
const STATUS_LINE = /^HTTP\/1\.[01] (\d{3})(?: |$)/;

export class HttpReplyParser {
  #state = State.Head;
  /** #head: bytes of the head (or of a chunk-size or trailer line) not yet ended by its CRLF. */
  #head: Buffer | undefined;
  /** #left: bytes of the body (Length) or of the current chunk (ChunkData) still to come. */
  #left = 0;

  constructor(
    readonly method: string,
    readonly sink: ReplySink,
  ) {}

  get complete(): boolean {
    return this.#state === State.Done;
  }

  /** write parses one piece of the connection's bytes; true once the reply is complete. */
  write(chunk: Buffer): boolean {
    let at = 0;
    while (at < chunk.length && this.#state !== State.Done) at = this.#step(chunk, at);
    return this.#state === State.Done;
  }

  /** end: the peer closed the connection (see the contract). */
  end(): void {
    if (this.#state === State.ToEof) return this.#complete();
    if (this.#state !== State.Done) throw socketError('the server closed the connection before the reply was complete', 'ECONNRESET');
  }

  /** #step consumes bytes of `chunk` from `at` in the current state; returns where it stopped. */
  #step(chunk: Buffer, at: number): number {
    switch (this.#state) {
      case State.Head:
        return this.#readHead(chunk, at);
      case State.Length:
      case State.ChunkData:
        return this.#readCounted(chunk, at);
      case State.ToEof:
        this.sink.onData(at === 0 ? chunk : chunk.subarray(at));
        return chunk.length;
      default:
        return this.#readLine(chunk, at);
    }
  }

  #readHead(chunk: Buffer, at: number): number {
    const data = this.#joined(chunk, at);
    const end = data.indexOf('\r\n\r\n');
    if (end < 0) {
      if (data.length > HEAD_BYTES) throw this.#bad(`a reply head over ${HEAD_BYTES} bytes`);
      this.#head = Buffer.from(data); // a copy: `chunk` may be reused by the socket
      return chunk.length;
    }
    const consumed = chunk.length - (data.length - (end + 4));
    this.#head = undefined;
    this.#startBody(data.toString('latin1', 0, end));
    return consumed;
  }

  #startBody(head: string): void {
    const lines = head.split('\r\n');
    const status = STATUS_LINE.exec(lines[0]!);
    if (!status) throw this.#bad(`a status line ${JSON.stringify(lines[0]!.slice(0, 80))}`);
    const code = Number(status[1]);
    const headers: string[] = [];
    let length: number | undefined;
    let chunked = false;
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!;
      const colon = line.indexOf(':');
      if (colon <= 0) throw this.#bad(`a header line ${JSON.stringify(line.slice(0, 80))}`);
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers.push(name, value);
      if (name === 'content-length') {
        if (!/^\d{1,15}$/.test(value) || (length !== undefined && length !== Number(value))) throw this.#bad(`Content-Length ${JSON.stringify(value)}`);
        length = Number(value);
      } else if (name === 'transfer-encoding') {
        const codings = value.toLowerCase().split(',').map((c) => c.trim()).filter((c) => c && c !== 'identity');
        if (codings.length > 1 || (codings.length === 1 && codings[0] !== 'chunked')) throw this.#bad(`Transfer-Encoding ${JSON.stringify(value)}`);
        chunked = codings.length === 1;
      }
    }
    this.sink.onHeaders(code, headers);
    if (code < 200) return; // 1xx: another head follows (state stays Head)
    if (code === 204 || code === 304) return this.#complete();
    if (chunked) this.#state = State.ChunkSize;
    else if (length === undefined) this.#state = State.ToEof;
    else if (length === 0) this.#complete();
    else [this.#state, this.#left] = [State.Length, length];
  }

  #readCounted(chunk: Buffer, at: number): number {
    const take = Math.min(this.#left, chunk.length - at);
    this.sink.onData(at === 0 && take === chunk.length ? chunk : chunk.subarray(at, at + take));
    this.#left -= take;
    if (this.#left === 0) {
      if (this.#state === State.Length) this.#complete();
      else this.#state = State.ChunkDataEnd;
    }
    return at + take;
  }

  /** #readLine reads the CRLF-ended lines of the chunked framing (sizes, the CRLF after data, trailers). */
  #readLine(chunk: Buffer, at: number): number {
    const data = this.#joined(chunk, at);
    const end = data.indexOf(CRLF);
    if (end < 0) {
      if (data.length > 4096) throw this.#bad('a chunk-size or trailer line over 4096 bytes');
      this.#head = Buffer.from(data);
      return chunk.length;
    }
    const consumed = chunk.length - (data.length - (end + 2));
    this.#head = undefined;
    const line = data.toString('latin1', 0, end);
    if (this.#state === State.ChunkDataEnd) {
      if (line !== '') throw this.#bad('chunk data longer than its size');
      this.#state = State.ChunkSize;
    } else if (this.#state === State.Trailers) {
      if (line === '') this.#complete();
    } else {
      const size = /^([0-9a-fA-F]{1,12})[ \t]*(;.*)?$/.exec(line);
      if (!size) throw this.#bad(`a chunk size ${JSON.stringify(line.slice(0, 40))}`);
      this.#left = parseInt(size[1]!, 16);
      this.#state = this.#left === 0 ? State.Trailers : State.ChunkData;
    }
    return consumed;
  }

  /** #joined is the pending partial line (if any) followed by `chunk` from `at`. */
  #joined(chunk: Buffer, at: number): Buffer {
    const rest = at === 0 ? chunk : chunk.subarray(at);
    return this.#head ? Buffer.concat([this.#head, rest]) : rest;
  }

  #complete(): void {
    this.#state = State.Done;
    this.sink.onComplete(null);
  }

  #bad(what: string): ConvergeError {
    return new ConvergeError('TERMINAL', 'XMLRPC_BAD_RESPONSE', `${this.method}: unsupported HTTP reply: ${what}`, { method: this.method });
  }
}
