/**
 * The streaming decoder's projection (src/xmlrpc/projection.ts): with one, a response decodes to
 * fast-decoder's value with the structs at the projection's depth reduced to the members it keeps
 * (order kept), and a document is refused exactly when fast-decoder refuses it: a dropped member
 * is still read (tags, entities, typed scalars), only not built. Cut anywhere, as the decoder's own
 * test does.
 */
import { describe, expect, it } from 'vitest';
import { decodeDateTime, encodeResponse } from '../../src/xmlrpc/codec.js';
import { decodeMethodResponse } from '../../src/xmlrpc/fast-decoder.js';
import type { Projection } from '../../src/xmlrpc/projection.js';
import { seededRandom } from '../../src/xmlrpc/sim/fault-rules.js';
import { isStruct, type XmlRpcValue } from '../../src/xmlrpc/value.js';
import { streamed, type Outcome } from '../helpers/streamed-decode.js';
import { randomXmlRpcValue } from '../helpers/xmlrpc-values.js';


/** projected is what a projection should make of a value: structs at `depth` keep only `keep`'s members. */
function projected(value: XmlRpcValue, p: Projection, level = 1): XmlRpcValue {
  if (Array.isArray(value)) return value.map((v) => projected(v, p, level + 1));
  if (!isStruct(value)) return value;
  const entries = Object.entries(value).filter(([name]) => level !== p.depth || p.keep.has(name));
  return Object.fromEntries(entries.map(([name, v]) => [name, projected(v, p, level + 1)]));
}

function reference(body: Buffer, p: Projection): Outcome {
  try {
    const decoded = decodeMethodResponse(body.toString('utf8'), decodeDateTime);
    return { fault: decoded.fault, value: projected(decoded.value, p) };
  } catch {
    return { error: true };
  }
}

const sameOrder = (a: Outcome, b: Outcome): void => {
  if ('value' in a && 'value' in b) expect(JSON.stringify(a.value)).toBe(JSON.stringify(b.value));
};

const member = (name: string, value: string): string => `<member><name>${name}</name><value>${value}</value></member>`;
const response = (value: string): string => `<?xml version="1.0"?><methodResponse><params><param><value>${value}</value></param></params></methodResponse>`;
/** A xapi-like list: envelope, ref → record map, records with bare text, typed scalars, maps, arrays, entities. */
const record = (i: number, extra = ''): string =>
  `<struct>${member('uuid', `u-${i}`)}${member('recommendations', '&lt;restrictions&gt;&quot;x&quot;')}${member('is_a_template', '<boolean>0</boolean>')}` +
  `${member('other_config', `<struct>${member('converge.key', `k${i}`)}</struct>`)}${member('VIFs', '<array><data><value>OpaqueRef:a</value><value>b</value></data></array>')}` +
  `${member('name_label', `vm ${i} ✓`)}${member('last_booted_record', '<![CDATA[<raw> & ]]>')}${member('start_time', '<dateTime.iso8601>20260102T03:04:05Z</dateTime.iso8601>')}${extra}</struct>`;
const list = (extra = ''): string => response(`<struct>${member('Status', 'Success')}${member('Value', `<struct>${member('OpaqueRef:1', record(1, extra))}${member('OpaqueRef:2', record(2))}</struct>`)}</struct>`);
const XAPI: Projection = { depth: 3, keep: new Set(['uuid', 'other_config', 'name_label', 'VIFs']) };

const shapes: Array<{ reason: string; xml: string; p: Projection }> = [
  { reason: 'a xapi list keeps the fields asked for, nested maps and arrays whole', xml: list(), p: XAPI },
  { reason: 'a kept field may come last or twice (last value, first place)', xml: list(member('uuid', 'again')), p: XAPI },
  { reason: 'an unknown entity in a dropped field is refused', xml: list(member('dropped', 'a &bogus; b')), p: XAPI },
  { reason: 'a bad boolean in a dropped field is refused', xml: list(member('dropped', '<boolean>2</boolean>')), p: XAPI },
  { reason: 'a bad int in a dropped map is refused', xml: list(member('dropped', `<struct>${member('n', '<int>x</int>')}</struct>`)), p: XAPI },
  { reason: 'a broken tag in a dropped array is refused', xml: list(member('dropped', '<array><data><value>a</valu></data></array>')), p: XAPI },
  { reason: 'an unterminated CDATA in a dropped field is refused', xml: list(member('dropped', '<![CDATA[ never closed')).replace(/]]>/g, ''), p: XAPI },
  { reason: 'a failure envelope has no records and is read whole', xml: response(`<struct>${member('Status', 'Failure')}${member('ErrorDescription', '<array><data><value>SESSION_INVALID</value><value>OpaqueRef:x</value></data></array>')}</struct>`), p: XAPI },
  { reason: 'depth 1: the value itself', xml: response(`<struct>${member('a', '1')}${member('b', `<struct>${member('a', '2')}</struct>`)}${member('c', '<i4>3</i4>')}</struct>`), p: { depth: 1, keep: new Set(['a', 'c']) } },
  { reason: 'a struct in an array at the depth is filtered too', xml: response(`<array><data><value><struct>${member('a', '1')}${member('z', '2')}</struct></value></data></array>`), p: { depth: 2, keep: new Set(['a']) } },
];

const VALUE_OPTIONS = { texts: ['', 'plain', 'a<b & c>d', ']]> tricky', 'ünïcødé ✓ 𝄞', "quote'\"", 'OpaqueRef:NULL', 'x'.repeat(70)], dates: true };

function randomProjection(random: () => number): Projection {
  const keep = new Set(Array.from({ length: 4 }, (_, i) => `k${i}`).filter(() => random() < 0.5));
  return { depth: 1 + Math.floor(random() * 3), keep };
}

/** perturb leaves the canonical layout at random (whitespace, comments, case, CDATA), as the decoder's own test. */
function perturb(random: () => number, xml: string): string {
  return xml
    .replace(/></g, (m) => (random() < 0.1 ? '>\n  <' : random() < 0.03 ? '><!-- c --><' : m))
    .replace(/<(\/?)(value|member|name|string|struct|array|data)>/g, (m, slash: string, tag: string) => (random() < 0.1 ? `<${slash}${tag.toUpperCase()}>` : m))
    .replace(/<string>([^<]*)<\/string>/g, (m, text: string) => (random() < 0.3 ? text : random() < 0.1 ? `<string><![CDATA[${text}]]></string>` : m));
}

describe('streaming decoder with a projection', () => {
  it.each(shapes)('$reason: as fast-decoder then projected, cut at every byte', ({ xml, p }) => {
    const body = Buffer.from(xml);
    const expected = reference(body, p);
    const whole = streamed(body, [], p);
    expect(whole).toEqual(expected);
    sameOrder(whole, expected);
    for (let cut = 0; cut <= body.length; cut += 1) expect(streamed(body, [cut], p), `cut at ${cut}`).toEqual(expected);
    expect(streamed(body, Array.from({ length: body.length }, (_, i) => i), p)).toEqual(expected);
  });

  it('drops what a xapi list does not keep, and keeps the rest exactly', () => {
    const outcome = streamed(Buffer.from(list()), [], XAPI);
    expect(outcome).toEqual({
      fault: false,
      value: { Status: 'Success', Value: { 'OpaqueRef:1': { uuid: 'u-1', other_config: { 'converge.key': 'k1' }, VIFs: ['OpaqueRef:a', 'b'], name_label: 'vm 1 ✓' }, 'OpaqueRef:2': { uuid: 'u-2', other_config: { 'converge.key': 'k2' }, VIFs: ['OpaqueRef:a', 'b'], name_label: 'vm 2 ✓' } } },
    });
  });

  it('agrees with fast-decoder then projected on 400 random responses, canonical and perturbed, cut at random', () => {
    const random = seededRandom(1313);
    for (let i = 0; i < 400; i += 1) {
      const p = randomProjection(random);
      const xml = encodeResponse(randomXmlRpcValue(random, VALUE_OPTIONS));
      const body = Buffer.from(i % 2 === 0 ? xml : perturb(random, xml));
      const expected = reference(body, p);
      for (let k = 0; k < 3; k += 1) {
        const cuts = Array.from({ length: 1 + Math.floor(random() * 10) }, () => Math.floor(random() * (body.length + 1))).sort((a, b) => a - b);
        const got = streamed(body, cuts, p);
        expect(got, body.toString()).toEqual(expected);
        sameOrder(got, expected);
      }
    }
  });

  it('refuses exactly the damaged documents fast-decoder refuses', () => {
    const random = seededRandom(77);
    const alphabet = '<>/&;! ?-[]x#';
    for (let i = 0; i < 600; i += 1) {
      const p = randomProjection(random);
      const body = Buffer.from(perturb(random, encodeResponse(randomXmlRpcValue(random, VALUE_OPTIONS))));
      const at = Math.floor(random() * body.length);
      const damaged = i % 3 === 0 ? body.subarray(0, at) : Buffer.concat([body.subarray(0, at), Buffer.from(alphabet[Math.floor(random() * alphabet.length)]!), body.subarray(at + 1)]);
      if (!Buffer.from(damaged.toString('utf8')).equals(damaged)) continue; // a character cut in two: not UTF-8 any more
      const cuts = [Math.floor(random() * damaged.length), Math.floor(random() * damaged.length)].sort((a, b) => a - b);
      expect(streamed(damaged, cuts, p), damaged.toString()).toEqual(reference(damaged, p));
    }
  });
});
