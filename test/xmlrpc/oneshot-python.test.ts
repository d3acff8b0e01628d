/**
 * The connection-per-call transport against a REAL Python SimpleXMLRPCServer (+ThreadingMixIn, as
 * IM runs it: HTTP/1.0, a close after every reply, gzip over 1400 bytes when asked): plain and
 * gzipped replies, a large gzipped reply (streamed), a fault, a 404, a timeout, an abort after
 * sending, close() with calls in flight and queued, and the connection cap. Skipped, saying why,
 * when python3 is not on the PATH.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConvergeError } from '../../src/errors/converge-error.js';
import { XmlRpcClient, type XmlRpcClientOptions } from '../../src/xmlrpc/client.js';
import { GZIP_STREAM_BYTES } from '../../src/xmlrpc/reply-handler.js';

const PYTHON = spawnSync('python3', ['-c', 'import xmlrpc.server'], { stdio: 'ignore' }).status === 0;
if (!PYTHON) console.log('oneshot-python.test.ts: skipped, python3 (with xmlrpc.server) is not on the PATH');

const SERVER = `
import os, sys, threading, time
from socketserver import ThreadingMixIn
from xmlrpc.server import SimpleXMLRPCServer
class Server(ThreadingMixIn, SimpleXMLRPCServer):
    daemon_threads = True
server = Server(('127.0.0.1', 0), logRequests=False)
lock = threading.Lock()
tags = {}
BIG = os.urandom(${GZIP_STREAM_BYTES * 2}).hex()
def held(ms, tag):
    with lock:
        state = tags.setdefault(tag, {'now': 0, 'peak': 0, 'seen': 0})
        state['now'] += 1; state['seen'] += 1; state['peak'] = max(state['peak'], state['now'])
    time.sleep(ms / 1000)
    with lock:
        state['now'] -= 1
    return True
def stats(tag):
    with lock:
        return dict(tags.get(tag, {'now': 0, 'peak': 0, 'seen': 0}))
def fail():
    raise ValueError('no such infrastructure')
server.register_function(lambda: 'pong', 'ping')
server.register_function(lambda: BIG, 'big')
server.register_function(lambda n: 'x' * n, 'text')
server.register_function(held, 'held')
server.register_function(stats, 'stats')
server.register_function(fail, 'fail')
print(server.server_address[1], flush=True)
server.serve_forever()
`;

let python: ChildProcess | undefined;
let url = '';
const clients: XmlRpcClient[] = [];

beforeAll(async () => {
  if (!PYTHON) return;
  python = spawn('python3', ['-c', SERVER], { stdio: ['ignore', 'pipe', 'ignore'] });
  const [line] = await createInterface({ input: python.stdout! })[Symbol.asyncIterator]().next().then((r) => [r.value as string]);
  url = `http://127.0.0.1:${Number(line)}/RPC2`;
});
afterAll(() => {
  for (const client of clients) client.close();
  python?.kill();
});

const oneshot = (options: Partial<XmlRpcClientOptions> = {}) => {
  const client = new XmlRpcClient({ url, connectionPerCall: true, ...options });
  clients.push(client);
  return client;
};
const failure = (promise: Promise<unknown>) => promise.then(() => expect.fail('the call succeeded'), (error: unknown) => error as ConvergeError);
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!PYTHON)('connection-per-call transport against Python SimpleXMLRPCServer', () => {
  it('reads plain and gzipped replies, small and large (a large gzipped one streamed)', async () => {
    for (const acceptGzip of [false, true]) {
      const client = oneshot({ acceptGzip });
      expect(await client.call('ping', [])).toBe('pong');
      expect(await client.call('text', [5000])).toBe('x'.repeat(5000)); // gzipped when asked: over 1400 bytes
      const big = (await client.call('big', [])) as string;
      expect([big.length, /^[0-9a-f]+$/.test(big)]).toEqual([GZIP_STREAM_BYTES * 4, true]); // hex: compressed still over GZIP_STREAM_BYTES
    }
  });

  it('a fault is XMLRPC_FAULT, an unknown path HTTP 404', async () => {
    expect(await failure(oneshot().call('fail', []))).toMatchObject({ code: 'XMLRPC_FAULT', faultCode: 1, faultString: expect.stringMatching(/no such infrastructure/) });
    const other = new XmlRpcClient({ url: url.replace('/RPC2', '/nope'), connectionPerCall: true });
    clients.push(other);
    expect(await failure(other.call('ping', []))).toMatchObject({ code: 'XMLRPC_HTTP_404', kind: 'TERMINAL' });
  });

  it('times out a slow call, aborts one after sending', async () => {
    const client = oneshot({ timeoutMs: 150 });
    expect(await failure(client.call('held', [1000, 'timeout']))).toMatchObject({ code: 'XMLRPC_TIMEOUT' });
    const abort = new AbortController();
    const aborted = failure(client.call('held', [1000, 'abort'], { timeoutMs: 5000, signal: abort.signal }));
    await wait(50);
    abort.abort();
    expect(await aborted).toMatchObject({ code: 'ABORTED' });
  });

  it('caps connections; close() fails the calls in flight and queued', async () => {
    const client = oneshot({ maxSockets: 2 });
    await Promise.all(Array.from({ length: 6 }, () => client.call('held', [40, 'cap'])));
    expect(await client.call('stats', ['cap'])).toMatchObject({ peak: 2, seen: 6 });
    const calls = Array.from({ length: 5 }, () => failure(client.call('held', [2000, 'close'])));
    await wait(100);
    client.close();
    for (const call of calls) expect(await call).toMatchObject({ code: 'ABORTED' });
    expect(await oneshot().call('stats', ['close'])).toMatchObject({ peak: 2, seen: 2 }); // the queued three never reached the server
  });
});
