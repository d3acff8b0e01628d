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
      if (this.xml.slice(this.pos, open).trim() !== '') throw new XmlRpcDecodeError(`unexpected text at ${this.pos}`);
      if (this.xml.startsWith('<?', open)) this.pos = this.after('?>', open);
      else if (this.xml.startsWith('<!--', open)) this.pos = this.after('-->', open);
      else if (this.xml.startsWith('<!DOCTYPE', open)) throw new XmlRpcDecodeError('DOCTYPE is not allowed');
      else return this.readTag(open);
    }
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

  private readTag(open: number): Tag {
    const close = this.xml.indexOf('>', open);
    if (close < 0) throw new XmlRpcDecodeError('unterminated tag');
    let body = this.xml.slice(open + 1, close);
    this.pos = close + 1;
    const closing = body.startsWith('/');
    const selfClosing = body.endsWith('/');
    if (closing) body = body.slice(1);
    if (selfClosing) body = body.slice(0, -1);
    const space = body.search(/\s/);
    return { name: (space < 0 ? body : body.slice(0, space)).toLowerCase(), closing, selfClosing };
  }

  private after(marker: string, from: number): number {
    const end = this.xml.indexOf(marker, from);
    if (end < 0) throw new XmlRpcDecodeError(`unterminated ${marker}`);
    return end + marker.length;
  }
}

/** readValue reads what follows an opened <value> up to and including </value>. */
function readValue(c: Cursor, decodeDate: (text: string) => Date): XmlRpcValue {
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
  c.expect('value', true);
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
