/**
 * The simulator sends replies in pieces (wire/compact-xml.ts encodeMethodResponsePieces, the
 * server's sendPieces): the pieces must join to exactly the document encodeMethodResponse prints,
 * and the wire must carry exactly those bytes with their Content-Length.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { encodeMethodResponse, encodeMethodResponsePieces, markInt32, printOnce, PrintedXml } from '../../../src/backends/xenapi/sim/wire/compact-xml.js';
import { encodeCall } from '../../../src/xmlrpc/codec.js';
import type { XmlRpcValue } from '../../../src/xmlrpc/value.js';
import { startTestXen, type TestXen } from './helpers.js';

let xen: TestXen | undefined;
afterEach(async () => {
  await xen?.close();
  xen = undefined;
});

const cache = new Map<string, { version: number; xml: string }>();
const values: Array<{ reason: string; value: XmlRpcValue }> = [
  { reason: 'a string', value: 'OpaqueRef:x' },
  { reason: 'an empty struct', value: {} },
  { reason: 'an envelope of a map of records, escaped names and texts', value: { Status: 'Success', Value: { 'OpaqueRef:a': { uuid: 'u', 'a<b': 'x & "y"', n: 1.5, b: true, d: new Date(0), l: ['p', 'q'], m: {} }, 'OpaqueRef:b': { uuid: 'v' } } } },
  { reason: 'a struct of <i4> numbers', value: { Status: 'Success', Value: markInt32({ VM: 3, task: 0 }) as never } },
  { reason: 'a record already printed', value: { Value: { 'OpaqueRef:c': new PrintedXml('<struct><member><name>uuid</name><value>w</value></member></struct>') as never } } },
  { reason: 'a record printed once', value: { Value: { 'OpaqueRef:d': printOnce({ uuid: 'z', nested: { k: 'v' } }, { cache, key: 'd', version: 1 }) } } },
  { reason: 'a failure', value: { Status: 'Failure', ErrorDescription: ['HANDLE_INVALID', 'VM', 'OpaqueRef:NULL'] } },
  { reason: 'non-ASCII', value: { Value: { 'ключ ✓': 'значение 𝄞' } } },
];

describe('XenAPI simulator replies in pieces', () => {
  it.each(values)('$reason: the pieces join to the one-string document', ({ value }) => {
    expect(encodeMethodResponsePieces(value).join('')).toBe(encodeMethodResponse(value));
  });

  it('sends a list as the same bytes, with their length', async () => {
    xen = await startTestXen();
    await xen.client.login();
    const res = await fetch(xen.url, { method: 'POST', headers: { 'Content-Type': 'text/xml' }, body: encodeCall('VM.get_all_records', [xen.client.session]) });
    const body = Buffer.from(await res.arrayBuffer());
    expect(res.headers.get('content-type')).toBe('text/xml');
    expect(Number(res.headers.get('content-length'))).toBe(body.length);
    expect(body.toString('utf8')).toMatch(/^<\?xml version="1.0"\?><methodResponse><params><param><value><struct><member><name>Status<\/name><value>Success<\/value><\/member><member><name>Value<\/name><value><struct><member><name>OpaqueRef:/);
    expect(body.toString('utf8').endsWith('</struct></value></member></struct></value></param></params></methodResponse>')).toBe(true);
  });
});
