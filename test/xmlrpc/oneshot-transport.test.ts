/**
 * The connection-per-call transport (oneshot-transport.ts, http-reply-parser.ts) keeps
 * http-transport.ts's contract, over real sockets on 127.0.0.1: a scripted server sends the three
 * body framings in odd pieces, 1xx, gzip (small and streamed), non-200, a close mid-body, garbage;
 * timeouts, aborts before and after sending, close() with calls in flight and queued, the
 * connection cap, TLS; and the gzip rule (asked only off loopback, unless forced).
 */
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { selfSignedCertificate } from '../../src/backends/fedd/sim/pki/certificates.js';
import type { ConvergeError } from '../../src/errors/converge-error.js';
import { XmlRpcClient, type XmlRpcClientOptions } from '../../src/xmlrpc/client.js';
import { encodeResponse } from '../../src/xmlrpc/codec.js';
import { isLoopbackHost } from '../../src/util/loopback.js';
import { GZIP_STREAM_BYTES } from '../../src/xmlrpc/reply-handler.js';

let server: Server | undefined;
let client: XmlRpcClient | undefined;
afterEach(async () => {
  client?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = client = undefined;
});

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Script answers one request (its head and body as text) on `socket`. */
type Script = (socket: Socket, request: string) => void | Promise<void>;

interface Scripted {
  url: string;
  heads: string[];
  connections: () => number;
}

/** serve runs a raw TCP server: it reads each request (head and Content-Length body) and runs `script`. */
async function serve(script: Script, make: (listener: (socket: Socket) => void) => Server = (l) => createServer(l), scheme = 'http'): Promise<Scripted> {
  const heads: string[] = [];
  let connections = 0;
  server = make((socket) => {
    connections += 1;
    socket.on('error', () => undefined);
    let bytes = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      bytes = Buffer.concat([bytes, chunk]);
      const end = bytes.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = bytes.toString('latin1', 0, end);
      const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? 0);
      if (bytes.length < end + 4 + length) return;
      const request = bytes.toString('latin1', 0, end + 4 + length);
      bytes = Buffer.alloc(0);
      heads.push(head);
      void script(socket, request);
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return { url: `${scheme}://127.0.0.1:${port}/RPC2`, heads, connections: () => connections };
}

const xml = (value: string) => Buffer.from(encodeResponse(value));

/** inPieces writes `bytes` in pieces of `size`, a macrotask apart, then closes (or not). */
async function inPieces(socket: Socket, bytes: Buffer, size: number, close = true): Promise<void> {
  for (let at = 0; at < bytes.length; at += size) {
    socket.write(bytes.subarray(at, at + size));
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (close) socket.end();
}

const head = (status: string, headers: string[]) => Buffer.from(`HTTP/1.0 ${status}\r\n${headers.map((h) => `${h}\r\n`).join('')}\r\n`);
const lengthReply = (body: Buffer, extra: string[] = []) => Buffer.concat([head('200 OK', ['Server: BaseHTTP/0.6 Python/3.11.2', 'Content-type: text/xml', `Content-length: ${body.length}`, ...extra]), body]);
const oneshot = (url: string, options: Partial<XmlRpcClientOptions> = {}) => (client = new XmlRpcClient({ url, connectionPerCall: true, ...options }));
const failure = (promise: Promise<unknown>) => promise.then(() => expect.fail('the call succeeded'), (error: unknown) => error as ConvergeError);

describe('connection-per-call transport: replies', () => {
  it('reads a Content-Length reply in odd pieces; one request per connection, Connection: close, Basic auth, no gzip asked on loopback', async () => {
    const s = await serve((socket) => inPieces(socket, lengthReply(xml('pong')), 7));
    oneshot(s.url.replace('http://', 'http://admin:p%40ss@'));
    expect(await client!.call('ping', [])).toBe('pong');
    expect(await client!.call('ping', [])).toBe('pong');
    expect(s.connections()).toBe(2);
    expect(s.heads[0]).toMatch(/^POST \/RPC2 HTTP\/1\.1\r\n/);
    expect(s.heads[0]).toContain('\r\nConnection: close');
    expect(s.heads[0]).toContain(`\r\nAuthorization: Basic ${Buffer.from('admin:p@ss').toString('base64')}`);
    expect(s.heads[0]).not.toMatch(/accept-encoding/i);
  });

  it('reads chunked replies (extensions, trailers, 1-byte pieces) and replies framed by the connection\'s end; skips 1xx', async () => {
    const body = xml('chunked value');
    const chunked = Buffer.concat([
      head('100 Continue', []),
      head('200 OK', ['Transfer-Encoding: chunked']),
      Buffer.from(`5;ext=1\r\n`), body.subarray(0, 5), Buffer.from(`\r\n${(body.length - 5).toString(16)}\r\n`), body.subarray(5), Buffer.from('\r\n0\r\nX-Trailer: 1\r\n\r\n'),
    ]);
    const s1 = await serve((socket) => inPieces(socket, chunked, 1, false)); // never closes: the framing ends the reply
    expect(await oneshot(s1.url).call('m', [])).toBe('chunked value');
    client!.close();
    await new Promise((resolve) => server!.close(resolve));
    const s2 = await serve((socket) => inPieces(socket, Buffer.concat([head('200 OK', ['Content-Type: text/xml']), xml('to the end')]), 11));
    expect(await oneshot(s2.url).call('m', [])).toBe('to the end');
  });

  it('gzip: asked when forced; a small gzipped reply and a large one (unzipped as a stream) read alike', async () => {
    const big = 'v'.repeat(3 * GZIP_STREAM_BYTES) + Array.from({ length: 30_000 }, (_, i) => i.toString(36)).join(',');
    const s = await serve((socket, h) => {
      const value = h.includes('big') ? big : 'small';
      const zipped = gzipSync(xml(value), { level: 1 });
      return inPieces(socket, lengthReply(zipped, ['Content-Encoding: gzip']), 4001);
    });
    oneshot(s.url, { acceptGzip: true });
    expect(await client!.call('small', [])).toBe('small');
    expect(await client!.call('big', [])).toBe(big);
    expect(s.heads[0]).toContain('\r\nAccept-Encoding: gzip');
  });

  it('a fault is XMLRPC_FAULT; HTTP 500 TRANSIENT and 404 TERMINAL, as httpError', async () => {
    const s = await serve((socket) => {
      if (s.heads.length === 1) return void socket.end(lengthReply(Buffer.from('<?xml version="1.0"?><methodResponse><fault><value><struct><member><name>faultCode</name><value><int>1</int></value></member><member><name>faultString</name><value><string>boom</string></value></member></struct></value></fault></methodResponse>')));
      const status = s.heads.length === 2 ? '500 Internal Server Error' : '404 Not Found';
      socket.end(Buffer.concat([head(status, ['Content-Length: 12']), Buffer.from('No such page')]));
    });
    oneshot(s.url);
    expect(await failure(client!.call('m', []))).toMatchObject({ code: 'XMLRPC_FAULT', faultCode: 1, faultString: 'boom' });
    expect(await failure(client!.call('m', []))).toMatchObject({ code: 'XMLRPC_HTTP_500', kind: 'TRANSIENT' });
    expect(await failure(client!.call('m', []))).toMatchObject({ code: 'XMLRPC_HTTP_404', kind: 'TERMINAL' });
  });

  it('a connection closed before the whole reply is ECONNRESET (mid-body, mid-chunk, before the head ended); garbage is XMLRPC_BAD_RESPONSE', async () => {
    const replies = [
      lengthReply(xml('truncated')).subarray(0, 120),
      Buffer.concat([head('200 OK', ['Transfer-Encoding: chunked']), Buffer.from('40\r\n<?xml')]),
      Buffer.from('HTTP/1.0 200 OK\r\nContent-Le'),
      Buffer.from('SSH-2.0-OpenSSH_9.2\r\n\r\n'),
      Buffer.concat([head('200 OK', ['Transfer-Encoding: gzip, chunked']), xml('x')]),
    ];
    const s = await serve((socket) => void socket.end(replies[s.heads.length - 1]!));
    oneshot(s.url);
    for (let i = 0; i < 3; i++) expect(await failure(client!.call('m', []))).toMatchObject({ code: 'XMLRPC_TRANSPORT', kind: 'TRANSIENT', details: { errno: 'ECONNRESET' } });
    expect(await failure(client!.call('m', []))).toMatchObject({ code: 'XMLRPC_BAD_RESPONSE', message: expect.stringMatching(/unsupported HTTP reply: a status line/) });
    expect(await failure(client!.call('m', []))).toMatchObject({ code: 'XMLRPC_BAD_RESPONSE', message: expect.stringMatching(/Transfer-Encoding/) });
  });

  it('connection refused keeps its code', async () => {
    const s = await serve(() => undefined);
    await new Promise((resolve) => server!.close(resolve));
    server = undefined;
    expect(await failure(oneshot(s.url).call('m', []))).toMatchObject({ code: 'XMLRPC_TRANSPORT', details: { errno: 'ECONNREFUSED' } });
  });
});

describe('connection-per-call transport: time, aborts, close, cap', () => {
  it('times out a silent server (XMLRPC_TIMEOUT); the clock restarts with every piece of the reply', async () => {
    const s = await serve(async (socket, h) => {
      if (h.includes('silent')) return;
      const reply = lengthReply(xml('slowly'));
      for (let at = 0; at < reply.length; at += 20) {
        socket.write(reply.subarray(at, at + 20));
        await wait(50);
      }
      socket.end();
    });
    oneshot(s.url, { timeoutMs: 300 });
    expect(await failure(client!.call('silent', []))).toMatchObject({ code: 'XMLRPC_TIMEOUT' });
    expect(await client!.call('m', [])).toBe('slowly'); // ~ (reply bytes / 20) × 50 ms: well over 300 ms
  });

  it('aborts before sending (no connection), while queued (no connection), and after sending', async () => {
    const s = await serve(async (socket) => {
      await wait(200);
      socket.end(lengthReply(xml('late')));
    });
    oneshot(s.url, { maxSockets: 1 });
    const early = new AbortController();
    early.abort();
    expect(await failure(client!.call('m', [], { signal: early.signal }))).toMatchObject({ code: 'ABORTED' });
    const first = new AbortController();
    const queued = new AbortController();
    const inFlight = failure(client!.call('m', [], { signal: first.signal }));
    const waiting = failure(client!.call('m', [], { signal: queued.signal }));
    await wait(50);
    queued.abort();
    first.abort();
    expect(await inFlight).toMatchObject({ code: 'ABORTED' });
    expect(await waiting).toMatchObject({ code: 'ABORTED' });
    expect(await client!.call('m', [])).toBe('late'); // the slot was freed
    expect(s.connections()).toBe(2);
  });

  it('the wait for a connection does not count toward the call\'s timeout', async () => {
    const s = await serve(async (socket) => {
      await wait(400);
      socket.end(lengthReply(xml('served')));
    });
    oneshot(s.url, { maxSockets: 1, timeoutMs: 2000 });
    const first = client!.call('m', []);
    const queued = client!.call('m', [], { timeoutMs: 650 }); // waits ~400 ms for the socket, then its own ~400 ms: over 650 in all
    expect(await Promise.all([first, queued])).toEqual(['served', 'served']);
  });

  it('close() fails the calls in flight and queued with ABORTED and drops the sockets', async () => {
    let closed = 0;
    const s = await serve((socket) => void socket.on('close', () => (closed += 1)));
    oneshot(s.url, { maxSockets: 2 });
    const calls = Array.from({ length: 5 }, () => failure(client!.call('m', [])));
    while (s.heads.length < 2) await wait(10);
    client!.close();
    for (const call of calls) expect(await call).toMatchObject({ code: 'ABORTED' });
    while (closed < 2) await wait(10);
    expect(s.connections()).toBe(2);
  });

  it('opens at most maxSockets connections; calls beyond wait in order', async () => {
    let answering = 0;
    let peak = 0;
    const s = await serve(async (socket, request) => {
      peak = Math.max(peak, ++answering);
      await wait(30);
      answering -= 1;
      socket.end(lengthReply(xml(/<int>(\d+)<\/int>/.exec(request)![1]!)));
    });
    oneshot(s.url, { maxSockets: 3 });
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => client!.call('m', [i])));
    expect(results).toEqual(Array.from({ length: 10 }, (_, i) => String(i)));
    expect([s.connections(), peak]).toEqual([10, 3]); // requests being answered at once (a server-side socket may close a little after the client's)
  });
});

describe('connection-per-call transport: TLS and the gzip rule', () => {
  it('https: a trusted certificate works, an untrusted one is XMLRPC_TLS, plain HTTP behind https is EPROTO', async () => {
    const { certPem, keyPem } = await selfSignedCertificate({ commonName: 'localhost', serverNames: ['localhost', '127.0.0.1'] });
    const s = await serve((socket) => void socket.end(lengthReply(xml('secure'))), (l) => createTlsServer({ cert: certPem, key: keyPem }, l), 'https');
    expect(await oneshot(s.url, { caPem: certPem }).call('m', [])).toBe('secure');
    client!.close();
    expect(await failure(oneshot(s.url).call('m', []))).toMatchObject({ code: 'XMLRPC_TLS' });
    client!.close();
    await new Promise((resolve) => server!.close(resolve));
    server = createServer((socket) => socket.once('data', () => socket.end(Buffer.concat([head('400 Bad Request', ['Content-Length: 0'])])))); // answers the ClientHello as HTTP would
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const url = `https://127.0.0.1:${(server.address() as { port: number }).port}/`;
    expect(await failure(oneshot(url).call('m', []))).toMatchObject({ code: 'XMLRPC_TLS', details: { errno: 'EPROTO' } });
  });

  it('gzip is asked only off loopback', () => {
    for (const host of ['localhost', 'LOCALHOST.', 'api.localhost', '127.0.0.1', '127.9.8.7', '[::1]', '::ffff:127.0.0.1']) expect([host, isLoopbackHost(host)]).toEqual([host, true]);
    for (const host of ['im.example.org', '10.0.0.1', '128.0.0.1', '[::2]', 'localhost.example.org', '1127.0.0.1']) expect([host, isLoopbackHost(host)]).toEqual([host, false]);
  });
});
