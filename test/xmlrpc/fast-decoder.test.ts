/**
 * The fast decoder must read every document exactly as the `xmlrpc` package's own SAX
 * deserializer does (the oracle), on random values and on the hand-written shapes real servers
 * send (Python's newlines, xapi's bare text values, CDATA, entities, i8, nil).
 */
import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import { decodeCall, decodeResponse, encodeCall, encodeFault, encodeResponse } from '../../src/xmlrpc/codec.js';
import { seededRandom } from '../../src/xmlrpc/sim/fault-rules.js';
import type { XmlRpcValue } from '../../src/xmlrpc/value.js';
import { randomXmlRpcValue } from '../helpers/xmlrpc-values.js';

const require = createRequire(import.meta.url);
const Deserializer = require('xmlrpc/lib/deserializer') as new () => {
  deserializeMethodResponse(s: Readable, cb: (e: (Error & { faultCode?: number; faultString?: string }) | null, v?: unknown) => void): void;
  deserializeMethodCall(s: Readable, cb: (e: Error | null, m?: string, p?: unknown[]) => void): void;
};

function oracleResponse(xml: string): Promise<unknown> {
  return new Promise((resolve) =>
    new Deserializer().deserializeMethodResponse(Readable.from([Buffer.from(xml)]), (e, v) =>
      resolve(e ? (e.faultCode !== undefined ? { fault: [Number(e.faultCode), String(e.faultString)] } : { error: true }) : v),
    ),
  );
}

function oracleCall(xml: string): Promise<unknown> {
  return new Promise((resolve) => new Deserializer().deserializeMethodCall(Readable.from([Buffer.from(xml)]), (e, m, p) => resolve(e ? { error: true } : { method: m, params: p })));
}

async function oursResponse(xml: string): Promise<unknown> {
  try {
    const r = await decodeResponse(Buffer.from(xml));
    return r.ok ? r.value : { fault: [r.faultCode, r.faultString] };
  } catch {
    return { error: true };
  }
}

const VALUE_OPTIONS = { texts: ['', 'plain', 'a<b & c>d', ']]> tricky', 'ünïcødé ✓', "quote'\"", '  spaced  ', 'line\nbreak'], dates: false };
const randomValue = (random: () => number): XmlRpcValue => randomXmlRpcValue(random, VALUE_OPTIONS);

describe('fast XML-RPC decoder', () => {
  it('agrees with the package on 500 random responses and calls', async () => {
    const random = seededRandom(1234);
    for (let i = 0; i < 500; i += 1) {
      const value = randomValue(random);
      const response = encodeResponse(value);
      expect(await oursResponse(response), response).toEqual(await oracleResponse(response));
      const call = encodeCall(`m.${i}`, [value, 'x']);
      expect(await decodeCall(Buffer.from(call))).toEqual(await oracleCall(call));
    }
  });

  it('agrees with the package when the layout is not canonical (whitespace, case, spaces in tags)', async () => {
    // The decoder reads the canonical layout by shortcuts and anything else tag by tag: documents
    // perturbed at random mix both paths, and must still read as the package reads them.
    const random = seededRandom(777);
    const perturb = (xml: string) =>
      xml
        .replace(/></g, (m) => (random() < 0.2 ? '>\n  <' : m))
        .replace(/<(\/?)(value|member|name|string|struct|array|data)>/g, (m, slash: string, tag: string) =>
          random() < 0.15 ? `<${slash}${tag.toUpperCase()}>` : random() < 0.1 ? `<${slash}${tag} >` : m,
        );
    for (let i = 0; i < 300; i += 1) {
      const value = randomValue(random);
      const response = perturb(encodeResponse(value));
      expect(await oursResponse(response), response).toEqual(await oracleResponse(response));
      const call = perturb(encodeCall(`m.${i}`, [value, 'x']));
      expect(await decodeCall(Buffer.from(call)).catch(() => ({ error: true })), call).toEqual(await oracleCall(call));
    }
  });

  const shapes: Array<{ reason: string; xml: string }> = [
    { reason: 'xapi prints strings as bare text inside <value>', xml: '<?xml version="1.0"?><methodResponse><params><param><value><struct><member><name>Status</name><value>Success</value></member><member><name>Value</name><value>OpaqueRef:abc</value></member></struct></value></param></params></methodResponse>' },
    { reason: 'an empty bare value is the empty string', xml: '<methodResponse><params><param><value></value></param></params></methodResponse>' },
    { reason: "Python's xmlrpc.client puts newlines between elements", xml: '<?xml version=\'1.0\'?>\n<methodResponse>\n<params>\n<param>\n<value><array><data>\n<value><boolean>1</boolean></value>\n<value><string>2a60</string></value>\n</data></array></value>\n</param>\n</params>\n</methodResponse>\n' },
    { reason: 'i8 stays a decimal string, i4 a number', xml: '<methodResponse><params><param><value><array><data><value><i8>9007199254740993</i8></value><value><i4>-5</i4></value></data></array></value></param></params></methodResponse>' },
    { reason: 'entities and character references are decoded', xml: '<methodResponse><params><param><value><string>&lt;a&gt; &amp; &quot;b&quot; &#65;&#x42;</string></value></param></params></methodResponse>' },
    { reason: 'CDATA sections are literal text', xml: '<methodResponse><params><param><value><string><![CDATA[<raw> & stuff]]></string></value></param></params></methodResponse>' },
    { reason: 'nil, self-closing string and empty struct', xml: '<methodResponse><params><param><value><array><data><value><nil/></value><value><string/></value><value><struct></struct></value></data></array></value></param></params></methodResponse>' },
    { reason: 'a fault carries its code and string', xml: encodeFault(1, "<class 'Exception'>:method \"X\" is not supported") },
    { reason: 'garbage is an error, not a value', xml: '<html><body>500 Internal Server Error</body></html>' },
    { reason: 'a truncated document is an error', xml: '<methodResponse><params><param><value><string>cut' },
    { reason: 'a truncated member is an error', xml: '<methodResponse><params><param><value><struct><member><name>k</name><value>v' },
    { reason: 'entities and CDATA in member names', xml: '<methodResponse><params><param><value><struct><member><name>a&amp;b</name><value>1</value></member><member><name><![CDATA[<c>]]></name><value><string>x</string></value></member></struct></value></param></params></methodResponse>' },
    { reason: 'a comment inside a value', xml: '<methodResponse><params><param><value><string>a<!-- c -->b</string></value></param></params></methodResponse>' },
    { reason: 'CDATA as a bare value', xml: '<methodResponse><params><param><value><![CDATA[<x>]]></value></param></params></methodResponse>' },
  ];
  it.each(shapes)('$reason', async ({ xml }) => {
    expect(await oursResponse(xml)).toEqual(await oracleResponse(xml));
  });
});
