/**
 * The fast encoder must print exactly what the `xmlrpc` package's serializer prints (the oracle),
 * byte for byte, on random values and on the edge cases of its escaping, numbers and dates; and
 * what it prints must read back (through our decoder and the package's) as the value sent.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import { decodeCall, decodeResponse } from '../../src/xmlrpc/codec.js';
import { encodeMethodCall, encodeMethodFault, encodeMethodResponse } from '../../src/xmlrpc/fast-encoder.js';
import { seededRandom } from '../../src/xmlrpc/sim/fault-rules.js';

const require = createRequire(import.meta.url);
const Serializer = require('xmlrpc/lib/serializer') as {
  serializeMethodCall(method: string, params: unknown[]): string;
  serializeMethodResponse(value: unknown): string;
  serializeFault(fault: { faultCode: number | string; faultString: string }): string;
};
const Deserializer = require('xmlrpc/lib/deserializer') as new () => {
  deserializeMethodCall(s: Readable, cb: (e: Error | null, m?: string, p?: unknown[]) => void): void;
};

function packageReadsCall(xml: string): Promise<unknown> {
  return new Promise((resolve) => new Deserializer().deserializeMethodCall(Readable.from([Buffer.from(xml)]), (e, m, p) => resolve(e ? { error: e.message } : { method: m, params: p })));
}

const TEXTS = ['', 'plain', 'a<b', 'a & b', 'x > y', 'cr\rlf\n', 'tab\there', ']]> tricky', 'a]]>b<c', ']]', 'ünïcødé ✓ 😀', '\uD800 lone', "quote'\"", '  spaced  ', 'Access Denied', 'OpaqueRef:NULL'];
const NUMBERS = [0, -0, 1, -1, 2 ** 31, 2 ** 53, 2 ** 53 + 2, 1e21, -1e-7, 0.1, 1.5, 123.456, Number.MAX_VALUE, Number.MIN_VALUE, NaN, Infinity, -Infinity];

function randomDate(random: () => number): Date {
  return new Date(Math.floor((random() - 0.3) * 4e12)); // 1874 … 2096
}

/** randomValue: with `exotic`, also numbers, strings and types that do not survive a round trip. */
function randomValue(random: () => number, exotic: boolean, depth = 0): unknown {
  const one = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const text = () => (exotic ? one(TEXTS) : one(TEXTS.filter((t) => !t.includes('\uD800'))));
  switch (Math.floor(random() * (depth > 2 ? 8 : 10))) {
    case 0: return text();
    case 1: return Math.floor((random() - 0.5) * 2 ** 40);
    case 2: return exotic && random() < 0.5 ? one(NUMBERS) : (random() - 0.5) * 1e6;
    case 3: return random() < 0.5;
    case 4: return null;
    case 5: return Buffer.from(text());
    case 6: return randomDate(random);
    case 7: return exotic ? one([undefined, () => 1]) : text();
    case 8: return Array.from({ length: Math.floor(random() * 4) }, () => randomValue(random, exotic, depth + 1));
    default: return Object.fromEntries(Array.from({ length: Math.floor(random() * 4) }, (_, i) => [i === 0 ? text() : `k${i}${text()}`, randomValue(random, exotic, depth + 1)]));
  }
}

/** sent is what a value reads back as: dates lose their milliseconds. */
function sent(value: unknown): unknown {
  if (value instanceof Date) return new Date(Math.floor(value.getTime() / 1000) * 1000);
  if (Array.isArray(value)) return value.map(sent);
  if (value && typeof value === 'object' && !Buffer.isBuffer(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, sent(v)]));
  return value;
}

describe('fast XML-RPC encoder', () => {
  const tz = process.env.TZ;
  afterEach(() => {
    if (tz === undefined) delete process.env.TZ;
    else process.env.TZ = tz;
  });

  it('prints what the package prints, byte for byte, for 1,000 random calls, responses and faults', () => {
    const random = seededRandom(4321);
    for (let i = 0; i < 1000; i += 1) {
      const value = randomValue(random, true);
      const method = i % 7 === 0 ? `m<&>.${i}` : `VM.get_record.${i}`;
      expect(encodeMethodCall(method, [value, 'x'])).toBe(Serializer.serializeMethodCall(method, [value, 'x']));
      expect(encodeMethodResponse(value)).toBe(Serializer.serializeMethodResponse(value));
    }
    for (const [code, text] of [[1, 'x'], ['Access Denied', 'no <fedid> & no cert'], [100, 'Unknown method: X'], ['Client', 'Malformed request']] as const) {
      expect(encodeMethodFault(code, text)).toBe(Serializer.serializeFault({ faultCode: code, faultString: text }));
    }
    expect(encodeMethodCall('m', [])).toBe(Serializer.serializeMethodCall('m', []));
  });

  it('prints dates in local time without a zone, as the package does, in any time zone', () => {
    const dates = [new Date(0), new Date(Date.UTC(2026, 11, 3, 23, 59, 59, 999)), new Date(Date.UTC(999, 0, 1)), new Date(NaN)];
    for (const zone of ['UTC', 'America/New_York', 'Asia/Kolkata']) {
      process.env.TZ = zone;
      expect(encodeMethodCall('m', dates), zone).toBe(Serializer.serializeMethodCall('m', dates));
    }
  });

  it('refuses characters XML forbids, as the package does, without quoting the string (it may be a secret)', () => {
    for (const text of ['secret-bell\u0007', '\u0000', 'secret<\u001F', 'secret-x\uFFFE']) {
      expect(() => Serializer.serializeMethodCall('m', [text])).toThrow(/Invalid character/);
      for (const params of [[text], [{ [text]: 1 }]]) {
        const message = catchMessage(() => encodeMethodCall('m', params));
        expect(message).toMatch(/^Invalid character \(U\+[0-9A-F]{4}\) in a string, at index \d+/);
        expect(message).not.toContain('secret');
      }
    }
  });

  it('reads back as the value sent, through our decoder and the package\'s', async () => {
    // Dates go out in local time without a zone and our decoder reads zone-less dates as UTC:
    // they round-trip in UTC only (as today; servers that send dates send UTC).
    process.env.TZ = 'UTC';
    const random = seededRandom(99);
    for (let i = 0; i < 300; i += 1) {
      const value = randomValue(random, false);
      const xml = encodeMethodCall('m', [value]);
      const ours = await decodeCall(Buffer.from(xml));
      expect(ours.params[0], xml).toEqual(sent(value));
      expect(await packageReadsCall(xml), xml).toEqual({ method: 'm', params: [sent(value)] });
    }
  });

  it('splits every ]]> of a string into CDATA sections (the package split only the first)', async () => {
    const text = 'a]]>b]]>c<';
    const response = await decodeResponse(Buffer.from(encodeMethodResponse(text)));
    expect(response).toEqual({ ok: true, value: text });
  });
});

function catchMessage(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the package to throw');
}
