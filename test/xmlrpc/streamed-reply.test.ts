/**
 * Replies are decoded while they arrive (http-transport.ts hands the body to the client's
 * ResponseReader piece by piece; a gzipped body over GZIP_STREAM_BYTES is unzipped as a stream).
 * Over real sockets, with a server that writes its reply in small pieces: large and small replies,
 * plain and gzipped, read as the reference decoder reads them; a damaged body (gzip or XML) fails
 * as XMLRPC_BAD_RESPONSE; a fault's named code is kept; an abort or a timeout while a large reply
 * streams fails the call as before (ABORTED, XMLRPC_TIMEOUT).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import type { ConvergeError } from '../../src/errors/converge-error.js';
import { XmlRpcClient, type XmlRpcFaultError } from '../../src/xmlrpc/client.js';
import { decodeDateTime, encodeFault, encodeResponse } from '../../src/xmlrpc/codec.js';
import { decodeMethodResponse } from '../../src/xmlrpc/fast-decoder.js';
import { GZIP_STREAM_BYTES } from '../../src/xmlrpc/reply-handler.js';

let server: Server | undefined;
let client: XmlRpcClient | undefined;
afterEach(async () => {
  client?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = client = undefined;
});

interface Reply {
  body: Buffer;
  gzip?: boolean;
  /** pieceBytes: the body is written in pieces of this size, a macrotask apart. */
  pieceBytes?: number;
  /** stallAfter: stop writing (and never end) after this many bytes. */
  stallAfter?: number;
}

async function serve(reply: Reply): Promise<XmlRpcClient> {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', async () => {
      res.writeHead(200, { 'Content-Type': 'text/xml', ...(reply.gzip ? { 'Content-Encoding': 'gzip' } : {}) });
      const piece = reply.pieceBytes ?? reply.body.length;
      const end = reply.stallAfter ?? reply.body.length;
      for (let at = 0; at < end; at += piece) {
        res.write(reply.body.subarray(at, Math.min(at + piece, end)));
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (reply.stallAfter === undefined) res.end();
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  client = new XmlRpcClient({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, timeoutMs: 2000 });
  return client;
}

/** records: a get_all_records-like map, `n` records of mixed values (about 0.9 kB of XML each). */
function records(n: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < n; i += 1) {
    out[`OpaqueRef:${i}`] = { uuid: `u-${i}`, name_label: `vm ✓ <${i}> & co`, power_state: 'Halted', VCPUs_max: i, memory: 2.5 * i, other_config: { 'converge.key': `Infrastructure/x/vm/${i}` }, VIFs: [`OpaqueRef:vif-${i}`, 'OpaqueRef:NULL'], is_a_template: false };
  }
  return out;
}

const bigXml = encodeResponse(records(6000) as never);
const reference = (xml: string) => decodeMethodResponse(xml, decodeDateTime).value;

describe('replies decoded while they arrive', () => {
  it('a large gzipped reply, unzipped as a stream, reads as the whole body does', async () => {
    const body = gzipSync(bigXml, { level: 1 });
    expect(body.length).toBeGreaterThan(GZIP_STREAM_BYTES);
    const c = await serve({ body, gzip: true, pieceBytes: 7001 });
    expect(await c.call('VM.get_all_records', [])).toEqual(reference(bigXml));
  });

  it('a large plain reply in odd pieces, and a small gzipped one, read alike', async () => {
    const c = await serve({ body: Buffer.from(bigXml), pieceBytes: 4099 });
    expect(await c.call('VM.get_all_records', [])).toEqual(reference(bigXml));
    client?.close();
    await new Promise((resolve) => server!.close(resolve));
    const small = encodeResponse(records(3) as never);
    const c2 = await serve({ body: gzipSync(small), gzip: true, pieceBytes: 50 });
    expect(await c2.call('VM.get_all_records', [])).toEqual(reference(small));
  });

  it('a fault keeps its numeric code, or its name (fedd)', async () => {
    const c = await serve({ body: Buffer.from(encodeFault('Access Denied', 'go away')), pieceBytes: 10 });
    const error = (await c.call('x', []).catch((e: unknown) => e)) as XmlRpcFaultError;
    expect([error.code, error.faultName, error.faultString, Number.isNaN(error.faultCode)]).toEqual(['XMLRPC_FAULT', 'Access Denied', 'go away', true]);
  });

  it('damaged XML in a large gzipped reply fails as XMLRPC_BAD_RESPONSE, naming the method', async () => {
    const c = await serve({ body: gzipSync(bigXml.replace('<member><name>uuid', '<member><bogus>uuid'), { level: 1 }), gzip: true, pieceBytes: 7001 });
    const error = (await c.call('VM.get_all_records', []).catch((e: unknown) => e)) as ConvergeError;
    expect([error.code, error.kind]).toEqual(['XMLRPC_BAD_RESPONSE', 'TERMINAL']);
    expect(error.message).toMatch(/^VM\.get_all_records: unreadable reply: /);
  });

  it('a damaged gzip stream (large or small) fails as XMLRPC_BAD_RESPONSE', async () => {
    const zipped = gzipSync(bigXml, { level: 1 });
    const c = await serve({ body: Buffer.concat([zipped.subarray(0, 100_000), Buffer.from('not gzip at all'), zipped.subarray(100_015)]), gzip: true, pieceBytes: 7001 });
    const error = (await c.call('m', []).catch((e: unknown) => e)) as ConvergeError;
    expect([error.code, error.message.startsWith('m: bad gzip body')]).toEqual(['XMLRPC_BAD_RESPONSE', true]);
    client?.close();
    await new Promise((resolve) => server!.close(resolve));
    const c2 = await serve({ body: Buffer.from('garbage'), gzip: true });
    expect(((await c2.call('m', []).catch((e: unknown) => e)) as ConvergeError).code).toBe('XMLRPC_BAD_RESPONSE');
  });

  it('an abort while a large gzipped reply streams fails the call as ABORTED', async () => {
    const zipped = gzipSync(bigXml, { level: 1 });
    const c = await serve({ body: zipped, gzip: true, pieceBytes: 7001, stallAfter: GZIP_STREAM_BYTES + 20_000 });
    const controller = new AbortController();
    const call = c.call('m', [], { signal: controller.signal }).catch((e: unknown) => e);
    setTimeout(() => controller.abort(), 200);
    expect(((await call) as ConvergeError).code).toBe('ABORTED');
  });

  it('a large reply that stops coming times out as XMLRPC_TIMEOUT', async () => {
    const c = await serve({ body: gzipSync(bigXml, { level: 1 }), gzip: true, pieceBytes: 7001, stallAfter: GZIP_STREAM_BYTES + 20_000 });
    const error = (await c.call('m', [], { timeoutMs: 300 }).catch((e: unknown) => e)) as ConvergeError;
    expect(error.code).toBe('XMLRPC_TIMEOUT');
  });
});
