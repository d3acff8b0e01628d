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
import { Cursor, XmlRpcDecodeError } from './xml-cursor.js';

export { XmlRpcDecodeError };

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

/** scalar reads a scalar's text by its (lower-cased) tag name; the streaming decoder shares it. */
export function scalar(name: string, text: string, decodeDate: (text: string) => Date): XmlRpcValue {
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
