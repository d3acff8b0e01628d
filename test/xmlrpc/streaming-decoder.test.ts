/**
 * The streaming decoder must read every methodResponse exactly as fast-decoder.ts (the reference)
 * reads the whole body, wherever the body is cut into pieces: inside tags, entities, CDATA,
 * comments, multi-byte UTF-8 characters. Same value, or an error for both.
 */
import { describe, expect, it } from 'vitest';
import { decodeDateTime, encodeFault, encodeResponse } from '../../src/xmlrpc/codec.js';
import { decodeMethodResponse } from '../../src/xmlrpc/fast-decoder.js';
import { seededRandom } from '../../src/xmlrpc/sim/fault-rules.js';
import type { XmlRpcValue } from '../../src/xmlrpc/value.js';
import { streamed, type Outcome } from '../helpers/streamed-decode.js';
import { randomXmlRpcValue } from '../helpers/xmlrpc-values.js';


function reference(body: Buffer): Outcome {
  try {
    return decodeMethodResponse(body.toString('utf8'), decodeDateTime);
  } catch {
    return { error: true };
  }
}

function randomCuts(random: () => number, length: number, count: number): number[] {
  return Array.from({ length: count }, () => Math.floor(random() * (length + 1))).sort((a, b) => a - b);
}

const VALUE_OPTIONS = { texts: ['', 'plain', 'a<b & c>d', ']]> tricky', 'ünïcødé ✓ 𝄞', "quote'\"", '  spaced  ', 'line\nbreak', 'OpaqueRef:NULL', 'x'.repeat(70)], dates: true };
const randomValue = (random: () => number): XmlRpcValue => randomXmlRpcValue(random, VALUE_OPTIONS);

/** perturb leaves the canonical layout at random (whitespace, comments, case, spaces in tags, bare text values). */
function perturb(random: () => number, xml: string): string {
  return xml
    .replace(/></g, (m) => (random() < 0.1 ? '>\n  <' : random() < 0.03 ? '><!-- c --><' : random() < 0.02 ? '><?pi x?><' : m))
    .replace(/<(\/?)(value|member|name|string|struct|array|data|param|params|int|boolean)>/g, (m, slash: string, tag: string) =>
      random() < 0.1 ? `<${slash}${tag.toUpperCase()}>` : random() < 0.08 ? `<${slash}${tag} >` : m,
    )
    .replace(/<string>([^<]*)<\/string>/g, (m, text: string) => (random() < 0.3 ? text : random() < 0.1 ? `<string><![CDATA[${text}]]></string>` : m));
}

const members = (names: string[]) => names.map((name, i) => `<member><name>${name}</name><value>${i % 2 ? `<struct><member><name>x</name><value>${i}</value></member></struct>` : `v${i}`}</value></member>`).join('');
const bigStruct = (names: string[]) => `<methodResponse><params><param><value><struct>${members(names)}</struct></value></param></params></methodResponse>`;
const many = Array.from({ length: 20 }, (_, i) => `f${i}`);

const shapes: Array<{ reason: string; xml: string }> = [
  { reason: 'a large struct (built with fast properties) keeps member order', xml: bigStruct(many) },
  { reason: 'a repeated key in a large struct keeps its first place and its last value', xml: bigStruct([...many, 'f3', 'f0']) },
  { reason: 'a member named __proto__ in a large struct is read as fast-decoder reads it', xml: bigStruct([...many, '__proto__', 'f21']) },
  { reason: 'a member named __proto__ in a small struct', xml: bigStruct(['a', '__proto__']) },
  { reason: 'xapi prints strings as bare text', xml: '<?xml version="1.0"?><methodResponse><params><param><value><struct><member><name>Status</name><value>Success</value></member><member><name>Value</name><value>OpaqueRef:abc</value></member></struct></value></param></params></methodResponse>' },
  { reason: "Python's newlines between elements", xml: "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><array><data>\n<value><boolean>1</boolean></value>\n<value><string>2a60</string></value>\n</data></array></value>\n</param>\n</params>\n</methodResponse>\n" },
  { reason: 'entities, character references and CDATA', xml: '<methodResponse><params><param><value><struct><member><name>a&amp;b</name><value>&lt;a&gt; &#65;&#x42;&#x1D11E; x</value></member><member><name><![CDATA[<c>]]></name><value><string>p<![CDATA[<raw> & ]]>q</string></value></member></struct></value></param></params></methodResponse>' },
  { reason: 'an ampersand that starts no entity is kept', xml: '<methodResponse><params><param><value>a & b &c d;</value></param></params></methodResponse>' },
  { reason: 'an unknown entity is an error', xml: '<methodResponse><params><param><value>&bogus;</value></param></params></methodResponse>' },
  { reason: 'multi-byte characters in values and names', xml: '<methodResponse><params><param><value><struct><member><name>ключ✓</name><value>значение 𝄞 ü</value></member></struct></value></param></params></methodResponse>' },
  { reason: 'a byte-order mark before the declaration', xml: '\uFEFF<?xml version="1.0"?><methodResponse><params><param><value><int>1</int></value></param></params></methodResponse>' },
  { reason: 'non-breaking space ends a tag name', xml: '<methodResponse><params><param><value\u00a0x="1"><i4>7</i4></value></param></params></methodResponse>' },
  { reason: 'upper-case and mixed-case tags', xml: '<METHODRESPONSE><Params><PARAM><Value><dateTime.iso8601>20260102T03:04:05</dateTime.iso8601></Value></PARAM></Params></METHODRESPONSE>' },
  { reason: 'nil, self-closed string, empty struct, array and base64', xml: '<methodResponse><params><param><value><array><data><value><nil/></value><value><string/></value><value><struct/></value><value><array/></value><value><base64/></value><value/><value><base64>aGk=</base64></value></data></array></value></param></params></methodResponse>' },
  { reason: 'a self-closed member value is the empty string', xml: '<methodResponse><params><param><value><struct><member><name>k</name><value/></member></struct></value></param></params></methodResponse>' },
  { reason: 'i8, i4, double', xml: '<methodResponse><params><param><value><array><data><value><i8>9007199254740993</i8></value><value><i4>-5</i4></value><value><double>1.5e3</double></value></data></array></value></param></params></methodResponse>' },
  { reason: 'a fault with a numeric code', xml: encodeFault(1, "<class 'Exception'>:method \"X\" is not supported") },
  { reason: 'a fault with a named code (fedd)', xml: encodeFault('Access Denied', 'no') },
  { reason: 'what follows the value is not read', xml: '<methodResponse><params><param><value>v</value></param>garbage &bogus; <<<' },
  { reason: 'garbage is an error', xml: '<html><body>500 Internal Server Error</body></html>' },
  { reason: 'a DOCTYPE is refused', xml: '<!DOCTYPE x><methodResponse><params><param><value>v</value></param></params></methodResponse>' },
  { reason: 'text between tags is refused', xml: '<methodResponse><params>x<param><value>v</value></param></params></methodResponse>' },
  { reason: 'an unknown scalar tag is an error', xml: '<methodResponse><params><param><value><float>1</float></value></param></params></methodResponse>' },
  { reason: 'an empty int is an error', xml: '<methodResponse><params><param><value><int/></value></param></params></methodResponse>' },
  { reason: 'a bad boolean is an error', xml: '<methodResponse><params><param><value><boolean>2</boolean></value></param></params></methodResponse>' },
  { reason: 'a truncated document is an error', xml: '<methodResponse><params><param><value><struct><member><name>k</name><value>v' },
  { reason: 'comments and processing instructions between tags', xml: '<?xml version="1.0"?><!-- a --><methodResponse><?pi?><params><!--b--><param><value><struct><!-- c --><member><name>k</name><value><string>a<!-- in -->b</string></value></member></struct></value></param></params></methodResponse>' },
  { reason: 'a processing instruction inside text ends it', xml: '<methodResponse><params><param><value><string>a<?pi?>b</string></value></param></params></methodResponse>' },
  { reason: 'the shortest comment', xml: '<methodResponse><!--><params><param><value>v</value></param></params></methodResponse>' },
];

describe('streaming XML-RPC response decoder', () => {
  it.each(shapes)('$reason: same outcome as fast-decoder, cut at every byte', ({ xml }) => {
    const body = Buffer.from(xml);
    const expected = reference(body);
    const whole = streamed(body, []);
    expect(whole).toEqual(expected);
    if ('value' in whole && 'value' in expected) expect(JSON.stringify(whole.value)).toBe(JSON.stringify(expected.value)); // member order too
    for (let cut = 0; cut <= body.length; cut += 1) expect(streamed(body, [cut]), `cut at ${cut}`).toEqual(expected);
    expect(streamed(body, Array.from({ length: body.length }, (_, i) => i))).toEqual(expected);
  });

  it('agrees with fast-decoder on 400 random responses, canonical and perturbed, cut at random', () => {
    const random = seededRandom(4242);
    for (let i = 0; i < 400; i += 1) {
      const value = randomValue(random);
      const xml = i % 2 === 0 ? encodeResponse(value) : perturb(random, encodeResponse(value));
      const body = Buffer.from(xml);
      const expected = reference(body);
      if (i % 2 === 0) expect(expected).toEqual({ fault: false, value });
      for (let k = 0; k < 4; k += 1) expect(streamed(body, randomCuts(random, body.length, 1 + Math.floor(random() * 12))), xml).toEqual(expected);
    }
  });

  it('agrees with fast-decoder on damaged documents (a byte changed, or cut short)', () => {
    const random = seededRandom(99);
    const alphabet = '<>/&;! ?-[]x#';
    for (let i = 0; i < 600; i += 1) {
      const body = Buffer.from(perturb(random, encodeResponse(randomValue(random))));
      const at = Math.floor(random() * body.length);
      const damaged = i % 3 === 0 ? body.subarray(0, at) : Buffer.concat([body.subarray(0, at), Buffer.from(alphabet[Math.floor(random() * alphabet.length)]!), body.subarray(at + 1)]);
      if (!Buffer.from(damaged.toString('utf8')).equals(damaged)) continue; // a character cut in two: not UTF-8 any more
      expect(streamed(damaged, randomCuts(random, damaged.length, 3)), damaged.toString()).toEqual(reference(damaged));
    }
  });
});
