/**
 * A single-pass decoder for XML-RPC documents (methodCall / methodResponse), replacing the
 * `xmlrpc` package's SAX-stream deserializer on the hot path. Written by hand because profiling
 * showed that deserializer (sax stream events, per-chunk string handling) to be the largest single
 * CPU cost of both converge and the simulators in a no-op pass over 1000 infrastructures
 * (docs/PERFORMANCE.md has the before/after figures), and XML-RPC is a small, closed subset of
 * XML: no attributes that matter, no namespaces, no mixed content except whitespace.
 *
 * It produces exactly the values the package does (checked by a differential test against it):
 * int/i4 → number, i8 → decimal string, double → number, boolean → true/false, nil → null,
 * base64 → Buffer, dateTime.iso8601 → Date (read as an exact instant, see codec.ts), a bare
 * `<value>text</value>` → string. Entities, character references, CDATA sections, comments,
 * processing instructions and whitespace between elements are handled.
 *
 * Speed: the canonical layout (no whitespace between tags, lower-case tag names: what our encoder
 * and most servers print) is read by shortcuts that match whole runs such as
 * `<member><name>k</name><value>`; any other layout falls back, at the same place, to the
 * tag-by-tag reader, so both read every document alike (the differential test perturbs documents
 * at random to mix the two). A VM record decodes in about a third of the time it took tag by tag.
 */
import type { XmlRpcValue } from './value.js';

export class XmlRpcDecodeError extends Error {}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function unescapeXml(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (whole, ref: string) => {
    if (ref[0] === '#') return String.fromCodePoint(ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10));
    const named = ENTITIES[ref];
    if (named === undefined) throw new XmlRpcDecodeError(`unknown entity ${whole}`);
    return named;
  });
}

const SLASH = 47;
const LESS_THAN = 60;
const QUESTION = 63;
const BANG = 33;

/** isSpace is `/\s/` on one UTF-16 code unit (a tag name ends at the first). */
function isSpace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 160) return false;
  return c === 160 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/** isBlank: whether xml[from, to) is only whitespace, as `String.prototype.trim` sees it. */
function isBlank(xml: string, from: number, to: number): boolean {
  for (let i = from; i < to; i += 1) {
    const c = xml.charCodeAt(i);
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return xml.slice(from, to).trim() === '';
  }
  return true;
}

interface Tag {
  name: string;
  closing: boolean;
  selfClosing: boolean;
}

/** Cursor walks the document tag by tag; text between tags is read with `text()`. */
class Cursor {
  pos = 0;
  constructor(readonly xml: string) {}

  /** next returns the next tag, skipping the declaration, comments and whitespace. */
  next(): Tag {
    for (;;) {
      const open = this.xml.indexOf('<', this.pos);
      if (open < 0) throw new XmlRpcDecodeError('unexpected end of document');
      if (open > this.pos && !isBlank(this.xml, this.pos, open)) throw new XmlRpcDecodeError(`unexpected text at ${this.pos}`);
      const marker = this.xml.charCodeAt(open + 1);
      if (marker !== QUESTION && marker !== BANG) return this.readTag(open);
      if (this.xml.startsWith('<?', open)) this.pos = this.after('?>', open);
      else if (this.xml.startsWith('<!--', open)) this.pos = this.after('-->', open);
      else if (this.xml.startsWith('<!DOCTYPE', open)) throw new XmlRpcDecodeError('DOCTYPE is not allowed');
      else return this.readTag(open);
    }
  }

  /**
   * skip steps over `literal` if the document has exactly it here. The canonical layout (no
   * whitespace, lower-case tags, as our encoder and most servers print) takes these shortcuts;
   * anything else falls back to next() and expect(), which read it as before.
   */
  skip(literal: string): boolean {
    if (!this.xml.startsWith(literal, this.pos)) return false;
    this.pos += literal.length;
    return true;
  }

  /** plainString reads `text</value>` or `<string>text</string></value>` here, else undefined. */
  plainString(): string | undefined {
    const xml = this.xml;
    let from = this.pos;
    let closing = '</value>';
    if (xml.startsWith('<string>', from)) {
      from += 8;
      closing = '</string></value>';
    } else if (xml.charCodeAt(from) === LESS_THAN) {
      return undefined;
    }
    const end = xml.indexOf('<', from);
    if (end < 0 || !xml.startsWith(closing, end)) return undefined;
    const text = unescapeXml(xml.slice(from, end));
    this.pos = end + closing.length;
    return text;
  }

  /** memberName reads `<member><name>key</name><value>` here and returns the key, else undefined. */
  memberName(): string | undefined {
    const xml = this.xml;
    if (!xml.startsWith('<member><name>', this.pos)) return undefined;
    const from = this.pos + 14;
    const end = xml.indexOf('<', from);
    if (end < 0 || !xml.startsWith('</name><value>', end)) return undefined;
    const name = unescapeXml(xml.slice(from, end));
    this.pos = end + 14;
    return name;
  }

  /** text reads character data (with CDATA sections) up to the next element tag. */
  text(): string {
    let out = '';
    for (;;) {
      const open = this.xml.indexOf('<', this.pos);
      if (open < 0) throw new XmlRpcDecodeError('unexpected end of document');
      out += unescapeXml(this.xml.slice(this.pos, open));
      if (this.xml.startsWith('<![CDATA[', open)) {
        const end = this.xml.indexOf(']]>', open);
        if (end < 0) throw new XmlRpcDecodeError('unterminated CDATA');
        out += this.xml.slice(open + 9, end);
        this.pos = end + 3;
      } else if (this.xml.startsWith('<!--', open)) {
        this.pos = this.after('-->', open);
      } else {
        this.pos = open;
        return out;
      }
    }
  }

  expect(name: string, closing = false): Tag {
    const tag = this.next();
    if (tag.name !== name || tag.closing !== closing) throw new XmlRpcDecodeError(`expected <${closing ? '/' : ''}${name}> but found <${tag.closing ? '/' : ''}${tag.name}>`);
    return tag;
  }

  /** readTag reads `<name …>`, `</name>` or `<name …/>` at `open`; the name is lower-cased. */
  private readTag(open: number): Tag {
    const xml = this.xml;
    const close = xml.indexOf('>', open);
    if (close < 0) throw new XmlRpcDecodeError('unterminated tag');
    this.pos = close + 1;
    let start = open + 1;
    let end = close;
    const closing = start < end && xml.charCodeAt(start) === SLASH;
    const selfClosing = start < end && xml.charCodeAt(end - 1) === SLASH;
    if (closing) start += 1;
    if (selfClosing && end > start) end -= 1; // `</>` is both, with an empty name
    let lower = true;
    let i = start;
    for (; i < end; i += 1) {
      const c = xml.charCodeAt(i);
      if (isSpace(c)) break;
      if ((c >= 65 && c <= 90) || c > 126) lower = false;
    }
    const name = xml.slice(start, i);
    return { name: lower ? name : name.toLowerCase(), closing, selfClosing };
  }

  private after(marker: string, from: number): number {
    const end = this.xml.indexOf(marker, from);
    if (end < 0) throw new XmlRpcDecodeError(`unterminated ${marker}`);
    return end + marker.length;
  }
}

/** readValue reads what follows an opened <value> up to and including </value>. */
function readValue(c: Cursor, decodeDate: (text: string) => Date): XmlRpcValue {
  const plain = c.plainString();
  if (plain !== undefined) return plain;
  const raw = c.text();
  const tag = c.next();
  if (tag.name === 'value' && tag.closing) return raw; // bare text is a string
  if (tag.selfClosing) {
    c.expect('value', true);
    return tag.name === 'nil' ? null : tag.name === 'string' ? '' : emptyScalar(tag.name);
  }
  let value: XmlRpcValue;
  if (tag.name === 'array') value = readArray(c, decodeDate);
  else if (tag.name === 'struct') value = readStruct(c, decodeDate);
  else if (tag.name === 'nil') {
    c.expect('nil', true);
    value = null;
  } else {
    const text = c.text();
    c.expect(tag.name, true);
    value = scalar(tag.name, text, decodeDate);
  }
  if (!c.skip('</value>')) c.expect('value', true);
  return value;
}

function emptyScalar(name: string): XmlRpcValue {
  if (name === 'base64') return Buffer.alloc(0);
  if (name === 'struct') return {};
  if (name === 'array') return [];
  throw new XmlRpcDecodeError(`empty <${name}/>`);
}

function scalar(name: string, text: string, decodeDate: (text: string) => Date): XmlRpcValue {
  switch (name) {
    case 'string':
      return text;
    case 'int':
    case 'i4': {
      const n = parseInt(text, 10);
      if (Number.isNaN(n)) throw new XmlRpcDecodeError(`Expected an integer but got '${text}'`);
      return n;
    }
    case 'i8':
      if (!/^-?\d+$/.test(text.trim())) throw new XmlRpcDecodeError(`Expected integer (I8) value but got '${text}'`);
      return text;
    case 'double': {
      const n = parseFloat(text);
      if (Number.isNaN(n)) throw new XmlRpcDecodeError(`Expected a double but got '${text}'`);
      return n;
    }
    case 'boolean':
      if (text === '1') return true;
      if (text === '0') return false;
      throw new XmlRpcDecodeError(`Illegal boolean value '${text}'`);
    case 'base64':
      return Buffer.from(text, 'base64');
    case 'datetime.iso8601':
      return decodeDate(text);
    default:
      throw new XmlRpcDecodeError(`Unknown XML-RPC tag '${name}'`);
  }
}

function readArray(c: Cursor, decodeDate: (text: string) => Date): XmlRpcValue[] {
  const items: XmlRpcValue[] = [];
  const data = c.next();
  if (data.name === 'array' && data.closing) return items;
  if (data.name !== 'data' || data.closing) throw new XmlRpcDecodeError('expected <data>');
  if (data.selfClosing) {
    c.expect('array', true);
    return items;
  }
  for (;;) {
    if (c.skip('<value>')) {
      items.push(readValue(c, decodeDate));
      continue;
    }
    const tag = c.next();
    if (tag.name === 'data' && tag.closing) break;
    if (tag.name !== 'value' || tag.closing) throw new XmlRpcDecodeError(`expected <value> in <data>, found <${tag.name}>`);
    items.push(tag.selfClosing ? '' : readValue(c, decodeDate));
  }
  c.expect('array', true);
  return items;
}

function readStruct(c: Cursor, decodeDate: (text: string) => Date): { [key: string]: XmlRpcValue } {
  const struct: { [key: string]: XmlRpcValue } = {};
  for (;;) {
    const key = c.memberName();
    if (key !== undefined) {
      struct[key] = readValue(c, decodeDate);
      if (!c.skip('</member>')) c.expect('member', true);
      continue;
    }
    const tag = c.next();
    if (tag.name === 'struct' && tag.closing) return struct;
    if (tag.name !== 'member' || tag.closing) throw new XmlRpcDecodeError(`expected <member>, found <${tag.name}>`);
    c.expect('name');
    const name = c.text();
    c.expect('name', true);
    const value = c.next();
    if (value.name !== 'value') throw new XmlRpcDecodeError('expected <value> in <member>');
    struct[name] = value.selfClosing ? '' : readValue(c, decodeDate);
    c.expect('member', true);
  }
}

/** decodeMethodResponse returns the value or the fault struct of a methodResponse. */
export function decodeMethodResponse(xml: string, decodeDate: (text: string) => Date): { fault: boolean; value: XmlRpcValue } {
  const c = new Cursor(xml);
  c.expect('methodresponse');
  const kind = c.next();
  if (kind.name === 'fault') {
    c.expect('value');
    const value = readValue(c, decodeDate);
    return { fault: true, value };
  }
  if (kind.name !== 'params') throw new XmlRpcDecodeError('Invalid method response');
  c.expect('param');
  c.expect('value');
  const value = readValue(c, decodeDate);
  c.expect('param', true);
  return { fault: false, value };
}

/** decodeMethodCall returns the method name and parameters of a methodCall. */
export function decodeMethodCall(xml: string, decodeDate: (text: string) => Date): { method: string; params: XmlRpcValue[] } {
  const c = new Cursor(xml);
  c.expect('methodcall');
  c.expect('methodname');
  const method = c.text().trim();
  c.expect('methodname', true);
  if (!method) throw new XmlRpcDecodeError('Method call did not contain a method name');
  const params: XmlRpcValue[] = [];
  const open = c.next();
  if (open.name === 'methodcall' && open.closing) return { method, params };
  if (open.name !== 'params' || open.closing) throw new XmlRpcDecodeError('expected <params>');
  if (open.selfClosing) return { method, params };
  for (;;) {
    const tag = c.next();
    if (tag.name === 'params' && tag.closing) break;
    if (tag.name !== 'param') throw new XmlRpcDecodeError(`expected <param>, found <${tag.name}>`);
    c.expect('value');
    params.push(readValue(c, decodeDate));
    c.expect('param', true);
  }
  return { method, params };
}
