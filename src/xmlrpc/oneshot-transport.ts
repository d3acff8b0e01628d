/**
 * OneshotTransport POSTs XML-RPC documents to one endpoint over a new connection per call
 * (node:net, node:tls for https), for servers that close the connection after every reply
 * (IM's Python SimpleXMLRPCServer speaks HTTP/1.0). Against those, HttpTransport's keep-alive pool
 * buys nothing and costs CPU on every call: undici builds an error for every socket the server
 * closes, sets up a parser per socket and adds event-loop hops (docs/PERFORMANCE.md). Here a call
 * is one write (`Connection: close`), the reply parsed by hand (http-reply-parser.ts) and handed
 * to the same ReplyHandler as HttpTransport's calls.
 *
 * Contract: http-transport.ts's, point by point, since the reply side is the same ReplyHandler:
 * - the body of an HTTP 200 (gunzipped when `Content-Encoding: gzip`, streamed beyond
 *   GZIP_STREAM_BYTES) goes to the call's BodyReader piece by piece; another status is httpError;
 * - the call's timer (XMLRPC_TIMEOUT) starts when its connection is open and restarts with every
 *   piece of the reply; the connection itself must open within `connectTimeoutMs` (ETIMEDOUT);
 * - the caller's signal aborts the call, queued or sent, with an AbortError; a call aborted while
 *   queued never connects;
 * - `close()` fails every call queued or in flight with the given reason and drops the sockets;
 * - a connection dropped before the whole reply (by Content-Length, the chunked framing, or
 *   before the head ended) is ECONNRESET; a peer that does not speak TLS EPROTO; other socket and
 *   TLS errors pass through unchanged; a reply it does not understand is XMLRPC_BAD_RESPONSE;
 * - at most `connections` sockets at once (a socket counts until it is closed); calls beyond wait
 *   in order; nothing is retried;
 * - URL credentials are sent as HTTP Basic authorization.
 */
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { HttpReplyParser } from './http-reply-parser.js';
import type { HttpTransportOptions } from './http-transport.js';
import { ReplyHandler, type BodyReader, type PostOptions } from './reply-handler.js';
import { socketError } from './transport-errors.js';

/** Exchange is one call: its handler, and its socket once it has one. */
interface Exchange {
  handler: ReplyHandler<unknown>;
  method: string;
  xml: string;
  socket?: Socket;
}

export class OneshotTransport {
  readonly #head: string;
  readonly #host: string;
  readonly #port: number;
  readonly #servername: string | undefined;
  readonly #options: HttpTransportOptions;
  readonly #https: boolean;
  /** #queue: calls waiting for a socket, from #queueHead on (an index, so that taking one is O(1)). */
  #queue: Exchange[] = [];
  #queueHead = 0;
  readonly #open = new Set<Exchange>();
  #closedBy: Error | undefined;

  constructor(url: URL, options: HttpTransportOptions) {
    this.#options = options;
    this.#https = url.protocol === 'https:';
    this.#host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    this.#port = Number(url.port || (this.#https ? 443 : 80));
    this.#servername = this.#https && isIP(this.#host) === 0 ? this.#host : undefined;
    let head = `POST ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: text/xml\r\n`;
    if (options.acceptGzip !== false) head += 'Accept-Encoding: gzip\r\n';
    head += 'User-Agent: converge\r\nConnection: close\r\n';
    if (url.username || url.password) {
      const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
      head += `Authorization: Basic ${Buffer.from(credentials).toString('base64')}\r\n`;
    }
    this.#head = head;
  }

  /** post sends one XML-RPC document (a methodCall of `method`) and resolves with what `reader` made of the reply body. */
  post<T>(method: string, xml: string, options: PostOptions, reader: BodyReader<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const handler = new ReplyHandler(method, options, this.#options.where, reader, resolve, reject);
      if (handler.settled) return;
      if (this.#closedBy) return handler.onError(this.#closedBy);
      const exchange: Exchange = { handler: handler as ReplyHandler<unknown>, method, xml };
      if (this.#open.size < this.#options.connections) this.#start(exchange);
      else this.#queue.push(exchange);
    });
  }

  /** close fails the calls queued or in flight with `reason` and closes the sockets. */
  close(reason: Error): void {
    this.#closedBy = reason;
    const queued = this.#queue.slice(this.#queueHead);
    this.#queue = [];
    this.#queueHead = 0;
    for (const exchange of queued) exchange.handler.onError(reason);
    for (const exchange of [...this.#open]) {
      exchange.socket?.destroy();
      exchange.handler.onError(reason);
    }
    this.#open.clear();
  }

  #start(exchange: Exchange): void {
    this.#open.add(exchange);
    const { handler } = exchange;
    const parser = new HttpReplyParser(exchange.method, handler);
    const socket = this.#https
      ? tlsConnect({ host: this.#host, port: this.#port, servername: this.#servername, ...this.#options.tls })
      : netConnect({ host: this.#host, port: this.#port });
    exchange.socket = socket;
    socket.setNoDelay(true);
    let failed = false;
    const fail = (error: Error): void => {
      if (failed || parser.complete) return;
      failed = true;
      socket.destroy();
      handler.onError(error);
    };
    const connectTimer = setTimeout(() => fail(socketError(`connect timeout (${this.#options.connectTimeoutMs} ms)`, 'ETIMEDOUT')), this.#options.connectTimeoutMs).unref();
    socket.once(this.#https ? 'secureConnect' : 'connect', () => {
      clearTimeout(connectTimer);
      if (handler.settled) return void socket.destroy(); // aborted while connecting
      handler.onConnect(fail);
      socket.write(`${this.#head}Content-Length: ${Buffer.byteLength(exchange.xml)}\r\n\r\n${exchange.xml}`);
      exchange.xml = '';
    });
    socket.on('data', (chunk: Buffer) => {
      if (failed || parser.complete) return;
      try {
        if (parser.write(chunk)) socket.destroy(); // the whole reply is here; the server closes anyway
      } catch (error) {
        fail(error as Error);
      }
    });
    socket.on('end', () => {
      try {
        parser.end();
      } catch (error) {
        fail(error as Error);
      }
    });
    socket.on('error', fail); // ReplyHandler gives TLS protocol errors the code EPROTO
    socket.on('close', () => {
      clearTimeout(connectTimer);
      if (!failed && !parser.complete) fail(socketError('the connection closed before the reply was complete', 'ECONNRESET'));
      this.#release(exchange);
    });
  }

  /** #release frees the exchange's socket slot and starts the next queued call that is still waiting. */
  #release(exchange: Exchange): void {
    if (!this.#open.delete(exchange)) return; // close() already dropped it
    while (this.#queueHead < this.#queue.length && this.#open.size < this.#options.connections) {
      const next = this.#queue[this.#queueHead]!;
      this.#queue[this.#queueHead++] = undefined as unknown as Exchange;
      if (this.#queueHead > 1024 && this.#queueHead * 2 > this.#queue.length) [this.#queue, this.#queueHead] = [this.#queue.slice(this.#queueHead), 0];
      if (!next.handler.settled) this.#start(next);
    }
  }
}
