import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { ConvergeError } from '../../src/errors/converge-error.js';
import { XmlRpcClient, XmlRpcFaultError } from '../../src/xmlrpc/client.js';
import { XmlRpcFault } from '../../src/xmlrpc/fault.js';
import { startXmlRpcServer, type MethodHandler, type RunningXmlRpcServer } from '../../src/xmlrpc/server.js';
import { SimKnobs } from '../../src/xmlrpc/sim/knobs.js';
import { decodeResponse } from '../../src/xmlrpc/codec.js';

let server: RunningXmlRpcServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(handlers: Record<string, MethodHandler>, knobs?: SimKnobs): Promise<XmlRpcClient> {
  server = await startXmlRpcServer({ dispatch: (m) => handlers[m], ...(knobs ? { knobs } : {}) });
  return new XmlRpcClient({ url: server.url, timeoutMs: 2000 });
}

function raw(method: string, path: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, server!.url), { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('XML-RPC server helper and client', () => {
  it('round-trips values, including nil, nested structs and UTC datetimes', async () => {
    const client = await serve({ echo: (params) => params });
    const when = new Date('2026-11-23T05:17:49Z');
    const value = await client.call('echo', ['a', 1, 2.5, true, null, { k: ['x', { y: 1 }] }, when]);
    expect(value).toEqual(['a', 1, 2.5, true, null, { k: ['x', { y: 1 }] }, when]);
  });

  it('reads a dateTime with Z, an offset, or no zone as exact instants', async () => {
    const body = (v: string) => Buffer.from(`<?xml version="1.0"?><methodResponse><params><param><value><dateTime.iso8601>${v}</dateTime.iso8601></value></param></params></methodResponse>`);
    const rows: Array<[string, string]> = [
      ['20261123T05:17:49Z', '2026-11-23T05:17:49.000Z'],
      ['2026-11-23T05:17:49+02:00', '2026-11-23T03:17:49.000Z'],
      ['20261123T05:17:49', '2026-11-23T05:17:49.000Z'],
    ];
    for (const [wire, iso] of rows) {
      const decoded = await decodeResponse(body(wire));
      expect(decoded.ok && (decoded.value as Date).toISOString()).toBe(iso);
    }
  });

  it('answers an unknown method with a fault instead of hanging', async () => {
    const client = await serve({});
    const error = await client.call('NoSuchMethod', []).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(XmlRpcFaultError);
    expect((error as XmlRpcFaultError).faultString).toBe(`<class 'Exception'>:method "NoSuchMethod" is not supported`);
    expect((error as XmlRpcFaultError).kind).toBe('TERMINAL');
  });

  it('turns a handler fault into a typed error the caller can classify', async () => {
    server = await startXmlRpcServer({ dispatch: () => () => { throw new XmlRpcFault(7, 'SESSION_INVALID'); } });
    const client = new XmlRpcClient({ url: server.url, classifyFault: (_c, s) => (s === 'SESSION_INVALID' ? 'UNAUTHORIZED' : 'TERMINAL') });
    const error = (await client.call('x', []).catch((e: unknown) => e)) as XmlRpcFaultError;
    expect([error.kind, error.faultCode, error.code]).toEqual(['UNAUTHORIZED', 7, 'XMLRPC_FAULT']);
  });

  it('answers GET with 501 and other paths with 404, like Python servers', async () => {
    await serve({});
    expect((await raw('GET', '/', '')).status).toBe(501);
    const notFound = await raw('POST', '/other', '<methodCall/>');
    expect([notFound.status, notFound.body]).toEqual([404, 'No such page']);
  });

  it('gzips large replies when the client accepts gzip, and the client reads them', async () => {
    const big = 'x'.repeat(5000);
    const client = await serve({ big: () => big });
    const reply = await raw('POST', '/RPC2', '<?xml version="1.0"?><methodCall><methodName>big</methodName><params/></methodCall>', { 'Accept-Encoding': 'gzip' });
    expect(reply.headers['content-encoding']).toBe('gzip');
    expect(await client.call('big', [])).toBe(big); // plain: the client does not ask a loopback endpoint for gzip
    const zipping = new XmlRpcClient({ url: server!.url, acceptGzip: true });
    expect(await zipping.call('big', [])).toBe(big);
    zipping.close();
  });

  it('maps a slow reply to TRANSIENT XMLRPC_TIMEOUT and an abort to ABORTED', async () => {
    const client = await serve({ slow: () => new Promise((r) => setTimeout(() => r('late'), 1000)) });
    const timedOut = (await client.call('slow', [], { timeoutMs: 100 }).catch((e: unknown) => e)) as ConvergeError;
    expect([timedOut.kind, timedOut.code]).toEqual(['TRANSIENT', 'XMLRPC_TIMEOUT']);
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 50);
    const aborted = (await client.call('slow', [], { signal: abort.signal }).catch((e: unknown) => e)) as ConvergeError;
    expect(aborted.code).toBe('ABORTED');
  });

  it('maps refused connections and HTTP 503 to TRANSIENT', async () => {
    const knobs = new SimKnobs();
    const client = await serve({ ok: () => 'ok' }, knobs);
    knobs.faults.add({ method: 'ok', mode: 'http-error', httpStatus: 503 });
    const unavailable = (await client.call('ok', []).catch((e: unknown) => e)) as ConvergeError;
    expect([unavailable.kind, unavailable.code]).toEqual(['TRANSIENT', 'XMLRPC_HTTP_503']);
    const port = server!.port;
    await server!.close();
    server = undefined;
    const refused = (await new XmlRpcClient({ url: `http://127.0.0.1:${port}/` }).call('ok', []).catch((e: unknown) => e)) as ConvergeError;
    expect([refused.kind, refused.code]).toEqual(['TRANSIENT', 'XMLRPC_TRANSPORT']);
  });

  it('injects drop and lose-reply faults: lose-reply runs the method but the client never hears', async () => {
    let ran = 0;
    const knobs = new SimKnobs();
    const client = await serve({ act: () => ++ran }, knobs);
    knobs.faults.add({ method: 'act', mode: 'drop' });
    await expect(client.call('act', [])).rejects.toMatchObject({ kind: 'TRANSIENT' });
    expect(ran).toBe(0);
    knobs.faults.add({ method: 'act', mode: 'lose-reply' });
    await expect(client.call('act', [])).rejects.toMatchObject({ kind: 'TRANSIENT' });
    expect(ran).toBe(1);
    expect(await client.call('act', [])).toBe(2);
    expect(knobs.log.since().map((e) => e.outcome)).toEqual(['injected:drop', 'injected:lose-reply', 'ok']);
  });

  it('serves converge.sim.* control methods and keeps credentials out of the call log', async () => {
    const knobs = new SimKnobs();
    const client = await serve({ login: () => 'session' }, knobs);
    await client.call('login', [{ username: 'u', password: 'hunter22' }]);
    await client.call('converge.sim.injectFault', [{ method: 'login', mode: 'fault', faultCode: 5, faultString: 'nope' }]);
    await expect(client.call('login', [])).rejects.toMatchObject({ faultCode: 5 });
    expect(await client.call('converge.sim.callCounts', [])).toEqual({ login: 2 });
    const log = (await client.call('converge.sim.callLog', [])) as Array<{ params: unknown[] }>;
    expect(JSON.stringify(log)).not.toContain('hunter22');
    const before = (await client.call('converge.sim.now', [])) as number;
    const after = (await client.call('converge.sim.advanceClock', [3600])) as number;
    expect(after - before).toBeGreaterThanOrEqual(3600);
  });

  it('fails a fraction of calls deterministically for a given seed', async () => {
    const knobs = new SimKnobs({ seed: 42 });
    const client = await serve({ ok: () => 'ok' }, knobs);
    knobs.faults.add({ method: '*', mode: 'http-error', fraction: 0.5 });
    const results = await Promise.all(Array.from({ length: 40 }, () => client.call('ok', []).then(() => 'ok', () => 'fail')));
    const failures = results.filter((r) => r === 'fail').length;
    expect(failures).toBeGreaterThan(8);
    expect(failures).toBeLessThan(32);
  });
});
