/**
 * What the client's transport (undici's Pool, http-transport.ts) must keep from node:http, over
 * real sockets on 127.0.0.1: URL credentials sent as Basic authorization, the connection cap
 * (maxSockets) and no cap for Infinity, a call aborted while it waits for a connection never
 * reaching the server, and a timeout that counts from the connection, not from the queue.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { XmlRpcClient } from '../../src/xmlrpc/client.js';
import { startXmlRpcServer, type MethodHandler, type RunningXmlRpcServer } from '../../src/xmlrpc/server.js';

let server: RunningXmlRpcServer | undefined;
let client: XmlRpcClient | undefined;
afterEach(async () => {
  client?.close();
  await server?.close();
  server = client = undefined;
});

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** serve answers `handlers` and records, per call, the method and its Authorization header. */
async function serve(handlers: Record<string, MethodHandler>): Promise<{ url: string; seen: Array<{ method: string; authorization?: string }> }> {
  const seen: Array<{ method: string; authorization?: string }> = [];
  server = await startXmlRpcServer({
    dispatch: (method) => {
      const handler = handlers[method];
      return handler ? (params, call) => {
        seen.push({ method, ...(call.headers.authorization ? { authorization: call.headers.authorization } : {}) });
        return handler(params, call);
      } : undefined;
    },
  });
  return { url: server.url, seen };
}

describe('XML-RPC client transport', () => {
  it('sends URL credentials as HTTP Basic authorization, as node:http did', async () => {
    const { url, seen } = await serve({ ping: () => 'pong' });
    client = new XmlRpcClient({ url: url.replace('http://', 'http://admin:p%40ss@') });
    expect(await client.call('ping', [])).toBe('pong');
    expect(seen[0]?.authorization).toBe(`Basic ${Buffer.from('admin:p@ss').toString('base64')}`);
  });

  it('opens at most maxSockets connections, and any number for Infinity', async () => {
    // Each call is held until `target` calls are in flight together (or 1 s passed), so the peak
    // is the connection cap however slowly connections open on a loaded machine.
    let inFlight = 0;
    let peak = 0;
    let target = 0;
    let waiting: Array<() => void> = [];
    const held: MethodHandler = async () => {
      peak = Math.max(peak, ++inFlight);
      if (inFlight >= target) for (const release of waiting.splice(0)) release();
      else await Promise.race([new Promise<void>((resolve) => waiting.push(resolve)), wait(1000)]);
      inFlight -= 1;
      return 'ok';
    };
    const { url } = await serve({ held });
    target = 3;
    client = new XmlRpcClient({ url, maxSockets: 3 });
    await Promise.all(Array.from({ length: 12 }, () => client!.call('held', [])));
    expect(peak).toBe(3);
    client.close();
    [peak, target, waiting] = [0, 20, []];
    client = new XmlRpcClient({ url, maxSockets: Infinity }); // more than the default 16
    await Promise.all(Array.from({ length: 20 }, () => client!.call('held', [])));
    expect(peak).toBe(20);
  });

  it('a call aborted while it waits for a connection never reaches the server; the queue does not count toward the timeout', async () => {
    const { url, seen } = await serve({ slow: () => wait(300).then(() => 'slow'), quick: () => 'quick' });
    client = new XmlRpcClient({ url, maxSockets: 1, timeoutMs: 250 });
    const first = client.call('slow', [], { timeoutMs: 2000 });
    const abort = new AbortController();
    const aborted = client.call('quick', [], { signal: abort.signal }).catch((e: unknown) => e);
    const queued = client.call('quick', []); // waits ~300 ms for the socket, more than its 250 ms timeout
    await wait(50);
    abort.abort();
    expect(await aborted).toMatchObject({ code: 'ABORTED' });
    expect(await first).toBe('slow');
    expect(await queued).toBe('quick');
    expect(seen.map((s) => s.method)).toEqual(['slow', 'quick']);
  });
});
