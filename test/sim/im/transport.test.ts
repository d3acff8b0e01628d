/**
 * The HTTP and XML-RPC surface of IM's SimpleXMLRPCServer: paths, verbs, headers, gzip, and
 * the faults raised outside the IM logic (unknown method, argument count, None, int overflow).
 */
import { gunzipSync } from 'node:zlib';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCall } from '../../../src/xmlrpc/codec.js';
import { AUTH, TRANSCRIPT_RADL, createInfra, rawCall, startTestSim, type TestSim } from './helpers.js';

/** rawHttp talks to the server without fetch's automatic decompression. */
function rawHttp(url: string, body: string, headers: Record<string, string>): Promise<{ headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'Content-Type': 'text/xml', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('IM XML-RPC transport', () => {
  let sim: TestSim;
  let inf: string;
  beforeAll(async () => {
    sim = await startTestSim();
    inf = await createInfra(sim);
  });
  afterAll(async () => sim.close());

  it('serves / and /RPC2 with Python headers; other paths 404, GET 501', async () => {
    const rpc2 = await rawCall(`${sim.url}RPC2`, 'GetVersion', []);
    expect(rpc2.reply).toEqual({ ok: true, value: [true, '1.19.2'] });
    expect(rpc2.headers.get('server')).toBe('BaseHTTP/0.6 Python/3.11.2');
    expect(rpc2.headers.get('content-type')).toBe('text/xml');
    const missing = await fetch(`${sim.url}nope`, { method: 'POST', body: encodeCall('GetVersion', []) });
    expect([missing.status, await missing.text()]).toEqual([404, 'No such page']);
    expect((await fetch(sim.url)).status).toBe(501);
  });

  it('gzips large replies only for clients that accept gzip', async () => {
    const body = encodeCall('ExportInfrastructure', [inf, false, AUTH]);
    const zipped = await rawHttp(sim.url, body, { 'Accept-Encoding': 'gzip' });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(zipped.body).toString('utf8')).toContain('deploy node 2');
    const plain = await rawHttp(sim.url, body, {});
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.length).toBeGreaterThan(1400);
    expect(plain.body.toString('utf8')).toContain('deploy node 2');
    const viaFetch = await rawCall(sim.url, 'ExportInfrastructure', [inf, false, AUTH], { 'Accept-Encoding': 'gzip' });
    expect(viaFetch.headers.get('content-encoding')).toBe('gzip');
    expect(viaFetch.reply).toEqual({ ok: true, value: [true, expect.stringContaining(`{"id": "${inf}", "vm_list": [`)] });
    const small = await rawHttp(sim.url, encodeCall('GetVersion', []), { 'Accept-Encoding': 'gzip' });
    expect(small.headers['content-encoding']).toBeUndefined();
  });

  it('answers an unknown method with a fault, not an envelope', async () => {
    const { reply } = await rawCall(sim.url, 'NoSuchMethod', []);
    expect(reply).toEqual({ ok: false, faultCode: 1, faultString: `<class 'Exception'>:method "NoSuchMethod" is not supported` });
  });

  const arity: Array<{ reason: string; method: string; args: number; fault: string }> = [
    { reason: 'one argument too many', method: 'GetInfrastructureInfo', args: 3, fault: 'GetInfrastructureInfo() takes 2 positional arguments but 3 were given' },
    { reason: 'a missing auth', method: 'CreateInfrastructure', args: 1, fault: "CreateInfrastructure() missing 1 required positional argument: 'auth_data'" },
    { reason: 'optional arguments give a range', method: 'CreateInfrastructure', args: 4, fault: 'CreateInfrastructure() takes from 2 to 3 positional arguments but 4 were given' },
    { reason: 'two missing arguments', method: 'GetVMInfo', args: 1, fault: "GetVMInfo() missing 2 required positional arguments: 'vm_id' and 'auth_data'" },
    { reason: 'three missing arguments', method: 'GetVMProperty', args: 1, fault: "GetVMProperty() missing 3 required positional arguments: 'vm_id', 'property_name', and 'auth_data'" },
    { reason: 'GetVersion takes none', method: 'GetVersion', args: 1, fault: 'GetVersion() takes 0 positional arguments but 1 was given' },
  ];
  it.each(arity)('faults with Python TypeError wording: $reason', async ({ method, args, fault }) => {
    expect(await sim.fault(method, ...Array.from({ length: args }, () => 'x'))).toBe(`<class 'TypeError'>:${fault}`);
  });

  it('faults on ints beyond 32 bits (memory.size of a 4g VM in bytes)', async () => {
    const big = await createInfra(sim, TRANSCRIPT_RADL.replace('memory.size >= 512m', 'memory.size >= 4g').replace('deploy node 2', 'deploy node 1'));
    expect(await sim.fault('GetVMProperty', big, '0', 'memory.size', AUTH)).toBe("<class 'OverflowError'>:int exceeds XML-RPC limits");
    expect(await sim.call('GetVMProperty', big, '0', 'cpu.count', AUTH)).toEqual([true, 1]);
  });

  it('sends the boolean envelope with typed values on the wire', async () => {
    const res = await fetch(sim.url, { method: 'POST', body: encodeCall('AddResource', [inf, 'network net\nsystem node\ndeploy node 1', AUTH]) });
    const xml = await res.text();
    expect(xml).toContain('<boolean>1</boolean>');
    expect(xml).toMatch(/<array><data><value><int>2<\/int><\/value><\/data><\/array>/);
    const info = await (await fetch(sim.url, { method: 'POST', body: encodeCall('GetInfrastructureInfo', [inf, AUTH]) })).text();
    expect(info).toContain('<value><string>0</string></value>');
  });
});
