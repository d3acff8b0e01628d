/**
 * Encoding and decoding of XML-RPC documents, delegated to the `xmlrpc` package's serializer and
 * SAX deserializer. Two fixes are layered on top, because real servers send them:
 * - dateTime values ending in `Z` (or with an offset) are read as UTC by our own regex rather
 *   than the package's local-time guess for zone-less values, which we read as UTC too
 *   (XenAPI and Python's xmlrpc.client send UTC);
 * - `<nil/>` is accepted (the package reads it; Python servers with allow_none send it).
 */
import { Readable } from 'node:stream';
import { createRequire } from 'node:module';
import type { XmlRpcValue } from './value.js';

const require = createRequire(import.meta.url);
// The package ships CommonJS without types for these internal modules.
const Serializer = require('xmlrpc/lib/serializer') as {
  serializeMethodCall(method: string, params: XmlRpcValue[], encoding?: string): string;
  serializeMethodResponse(value: XmlRpcValue): string;
  serializeFault(fault: { faultCode: number; faultString: string }): string;
};
const Deserializer = require('xmlrpc/lib/deserializer') as new (encoding?: string) => {
  deserializeMethodResponse(stream: Readable, cb: (err: (Error & { faultCode?: number; faultString?: string }) | null | undefined, value?: XmlRpcValue) => void): void;
  deserializeMethodCall(stream: Readable, cb: (err: Error | null | undefined, method?: string, params?: XmlRpcValue[]) => void): void;
  endDateTime(data: string): void;
  push(value: unknown): void;
  value: boolean;
};

// Read every dateTime as an exact instant: explicit offsets are honoured, zone-less values are UTC.
const ISO = /^(\d{4})-?(\d{2})-?(\d{2})T(\d{2}):?(\d{2}):?(\d{2})(\.\d+)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;
Deserializer.prototype.endDateTime = function endDateTime(this: { push(v: unknown): void; value: boolean }, data: string): void {
  const m = ISO.exec(data.trim());
  if (!m) throw new Error(`Expected an ISO8601 datetime but got '${data}'`);
  const zone = m[8] === undefined || m[8] === 'Z' ? 'Z' : normaliseOffset(m[8]);
  this.push(new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${m[7] ?? ''}${zone}`));
  this.value = false;
};

function normaliseOffset(offset: string): string {
  const digits = offset.slice(1).replace(':', '');
  return `${offset[0]}${digits.slice(0, 2)}:${digits.slice(2, 4) || '00'}`;
}

export function encodeCall(method: string, params: XmlRpcValue[]): string {
  return Serializer.serializeMethodCall(method, params);
}

export function encodeResponse(value: XmlRpcValue): string {
  return Serializer.serializeMethodResponse(value);
}

export function encodeFault(faultCode: number, faultString: string): string {
  return Serializer.serializeFault({ faultCode, faultString });
}

/** DecodedResponse is either a value or a fault, never both. */
export type DecodedResponse = { ok: true; value: XmlRpcValue } | { ok: false; faultCode: number; faultString: string };

export function decodeResponse(body: Buffer): Promise<DecodedResponse> {
  return new Promise((resolve, reject) => {
    new Deserializer().deserializeMethodResponse(Readable.from([body]), (err, value) => {
      if (err && err.faultCode !== undefined) {
        resolve({ ok: false, faultCode: Number(err.faultCode), faultString: String(err.faultString ?? '') });
      } else if (err) {
        reject(err);
      } else {
        resolve({ ok: true, value: value ?? null });
      }
    });
  });
}

export function decodeCall(body: Buffer): Promise<{ method: string; params: XmlRpcValue[] }> {
  return new Promise((resolve, reject) => {
    new Deserializer().deserializeMethodCall(Readable.from([body]), (err, method, params) => {
      if (err || !method) reject(err ?? new Error('Method call did not contain a method name'));
      else resolve({ method, params: params ?? [] });
    });
  });
}
