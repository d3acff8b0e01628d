/**
 * The XML printer of xapi (ocaml-rpc's non-strict printer), written by hand because no XML-RPC
 * library prints this dialect: one line, no whitespace between tags, strings as bare text in
 * `<value>` (no `<string>`), `<double>` as C's `%.16g`, dateTime as `YYYYMMDDTHH:MM:SSZ`, and
 * never `<i8>`, `<int>` or `<nil/>`.
 *
 * Contract for values handed to this printer:
 * - JS strings are bare text (64-bit ints must already be decimal strings, as xapi sends them);
 * - JS numbers are doubles, except inside a struct marked with `markInt32` (event.from's
 *   valid_ref_counts), whose numbers print as `<i4>`;
 * - null prints as the empty string (xapi has no nil), a Buffer as `<base64>`.
 */
import type { XmlRpcValue } from '../../../../xmlrpc/value.js';

const int32Structs = new WeakSet<object>();

/** markInt32 makes the printer emit this struct's number members as `<i4>`; returns the struct. */
export function markInt32<T extends object>(struct: T): T {
  int32Structs.add(struct);
  return struct;
}

const NEEDS_ESCAPE = /[<>&"]/;

/** PrintedOnce names where the printed form of a struct is cached, and the version it must match. */
export interface PrintedOnce {
  cache: Map<string, { version: number; xml: string }>;
  key: string;
  version: number;
}

const printedOnce = new WeakMap<object, PrintedOnce>();

/**
 * printOnce makes the printer reuse `struct`'s printed form from `once.cache` while the version
 * matches (and store it there otherwise). The caller vouches that the struct is a pure function
 * of what the version stands for. Returns the struct.
 */
export function printOnce<T extends object>(struct: T, once: PrintedOnce): T {
  printedOnce.set(struct, once);
  return struct;
}

/**
 * PrintedXml stands for a struct already printed (a row's cached print, see `printedXml`): the
 * printer emits its text as it is. Only the printer may be handed one: it is not an XmlRpcValue.
 */
export class PrintedXml {
  constructor(readonly xml: string) {}
}

/**
 * printedXml returns the print `once` stands for when the cache holds it at that version, else
 * undefined: a list answered from the cache need not build the records it would print (5,000 VM
 * records of ~90 fields each, only to be thrown away).
 */
export function printedXml(once: PrintedOnce): PrintedXml | undefined {
  const hit = once.cache.get(once.key);
  return hit?.version === once.version ? new PrintedXml(hit.xml) : undefined;
}

export function escapeXml(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return text; // most text has nothing to escape
  return text.replace(/[<>&"]/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '&' ? '&amp;' : '&quot;'));
}

/** formatDouble prints a number like C's printf("%.16g"). */
export function formatDouble(n: number): string {
  if (!Number.isFinite(n)) return Number.isNaN(n) ? 'nan' : n > 0 ? 'inf' : '-inf';
  if (n === 0) return Object.is(n, -0) ? '-0' : '0';
  const [mantissa = '0', expText = '0'] = n.toExponential(15).split('e');
  const exp = Number(expText);
  if (exp < -4 || exp >= 16) {
    const m = stripZeros(mantissa);
    const e = Math.abs(exp) < 10 ? `0${Math.abs(exp)}` : String(Math.abs(exp));
    return `${m}e${exp < 0 ? '-' : '+'}${e}`;
  }
  return stripZeros(n.toFixed(15 - exp));
}

function stripZeros(text: string): string {
  return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}

/** formatDateTime prints xapi's dateTime: basic date, extended time, trailing Z. */
export function formatDateTime(date: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return (
    `${p(date.getUTCFullYear(), 4)}${p(date.getUTCMonth() + 1)}${p(date.getUTCDate())}` +
    `T${p(date.getUTCHours())}:${p(date.getUTCMinutes())}:${p(date.getUTCSeconds())}Z`
  );
}

/** printValue renders one `<value>…</value>` element. */
export function printValue(value: XmlRpcValue, int32 = false): string {
  return `<value>${printInner(value, int32)}</value>`;
}

function printInner(value: XmlRpcValue, int32: boolean): string {
  if (value === null) return '';
  if (typeof value === 'string') return escapeXml(value);
  if (typeof value === 'boolean') return `<boolean>${value ? 1 : 0}</boolean>`;
  if (typeof value === 'number') return int32 ? `<i4>${Math.trunc(value)}</i4>` : `<double>${formatDouble(value)}</double>`;
  if (value instanceof Date) return `<dateTime.iso8601>${formatDateTime(value)}</dateTime.iso8601>`;
  if (Buffer.isBuffer(value)) return `<base64>${value.toString('base64')}</base64>`;
  if (value instanceof PrintedXml) return value.xml;
  if (Array.isArray(value)) return `<array><data>${value.map((v) => printValue(v)).join('')}</data></array>`;
  const once = printedOnce.get(value);
  if (!once) return printStruct(value);
  const hit = once.cache.get(once.key);
  if (hit?.version === once.version) return hit.xml;
  const xml = printStruct(value);
  once.cache.set(once.key, { version: once.version, xml });
  return xml;
}

function printStruct(value: { [key: string]: XmlRpcValue }): string {
  const marked = int32Structs.has(value);
  const members = Object.entries(value).map(
    ([name, v]) => `<member><name>${escapeXml(name)}</name>${printValue(v, marked)}</member>`,
  );
  return `<struct>${members.join('')}</struct>`;
}

/**
 * encodeMethodResponsePieces is encodeMethodResponse's text in pieces (joined, the same string):
 * plain structs (the envelope, a list's `ref → record` map) are printed member by member and each
 * record's print is a piece of its own (cached prints are not copied), so a 40 MB list is never
 * one string and the server can send its first bytes while it encodes the rest.
 */
export function encodeMethodResponsePieces(value: XmlRpcValue): string[] {
  const out = ['<?xml version="1.0"?><methodResponse><params><param>'];
  printPieces(out, value);
  out.push('</param></params></methodResponse>');
  return out;
}

/** printPieces pushes printValue(value) in pieces: a plain struct member by member, anything else whole. */
function printPieces(out: string[], value: XmlRpcValue): void {
  if (!isPlainStruct(value)) {
    out.push(printValue(value));
    return;
  }
  out.push('<value><struct>');
  for (const [name, member] of Object.entries(value)) {
    out.push(`<member><name>${escapeXml(name)}</name>`);
    printPieces(out, member);
    out.push('</member>');
  }
  out.push('</struct></value>');
}

/** isPlainStruct: a struct printed by printStruct without a cache or `<i4>` members. */
function isPlainStruct(value: XmlRpcValue): value is { [key: string]: XmlRpcValue } {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof Date || Buffer.isBuffer(value)) return false;
  return !(value instanceof PrintedXml) && !printedOnce.has(value) && !int32Structs.has(value);
}

/** encodeMethodResponse is the whole reply document, exactly as xapi sends it. */
export function encodeMethodResponse(value: XmlRpcValue): string {
  return `<?xml version="1.0"?><methodResponse><params><param>${printValue(value)}</param></params></methodResponse>`;
}
