/**
 * A single-pass encoder for XML-RPC documents (methodCall, methodResponse, fault), replacing the
 * `xmlrpc` package's serializer on the hot path. Written by hand because that serializer builds
 * an xmlbuilder DOM (an object per element, a stringifier call per text, a writer walk) before
 * printing it: profiles of a XenAPI create put it at a large share of converge's CPU per call, and
 * 3 s for a reply of 1,000 VM records (docs/PERFORMANCE.md has the figures).
 *
 * Contract: the output is byte for byte the package's (xmlrpc 1.3.2 over xmlbuilder 8), checked by
 * a differential test on random values (test/xmlrpc/fast-encoder.test.ts):
 * - the declaration `<?xml version="1.0"?>`, no whitespace between tags, elements with no text
 *   self-closed (`<string/>`, `<params/>`, `<base64/>`, `<data/>`, `<struct/>`);
 * - a number with no fractional part is `<int>` (whatever its size: `<i8>` is never sent, nor
 *   `<i4>`), any other number `<double>`, both printed as JavaScript prints them;
 * - a string with `<`, `&` or `]]>` is a CDATA section, any other string escapes `>` and CR;
 * - booleans are 1/0, null is `<nil/>`, a Date is `<dateTime.iso8601>` in the process's local
 *   time without a zone (the package's default), a Buffer is `<base64>`, arrays and structs as
 *   usual (struct members in Object.keys order), and any other type (undefined, a function) an
 *   empty `<value/>`;
 * - a character XML 1.0 forbids (C0 controls other than tab, LF and CR; U+FFFE, U+FFFF) throws
 *   an Error naming the character and its index, never the string (unlike the package's, which
 *   quoted it whole: it may be a credential).
 * One deliberate difference: a string holding `]]>` twice or more is split into CDATA sections at
 * every occurrence; the package split only the first and so printed a malformed document.
 */
import type { XmlRpcValue } from './value.js';

const DECLARATION = '<?xml version="1.0"?>';
/** SPECIAL: anything that makes a string leave the fast path (escapes, CDATA, illegal characters). */
const SPECIAL = /[<>&\r\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
const ILLEGAL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

/** encodeMethodCall prints a methodCall of `method` with `params`. */
export function encodeMethodCall(method: string, params: readonly unknown[]): string {
  let xml = `${DECLARATION}<methodCall>${element('methodName', escapeText(String(method)))}`;
  if (params.length === 0) return `${xml}<params/></methodCall>`;
  xml += '<params>';
  for (const param of params) xml += `<param>${encodeValue(param)}</param>`;
  return `${xml}</params></methodCall>`;
}

/** encodeMethodResponse prints a methodResponse carrying `value`. */
export function encodeMethodResponse(value: unknown): string {
  return `${DECLARATION}<methodResponse><params><param>${encodeValue(value)}</param></params></methodResponse>`;
}

/** encodeMethodFault prints a fault; faultCode goes as sent (an int, or a string as fedd's names). */
export function encodeMethodFault(faultCode: number | string, faultString: string): string {
  return `${DECLARATION}<methodResponse><fault>${encodeValue({ faultCode, faultString })}</fault></methodResponse>`;
}

/** encodeValue prints one `<value>` element. */
export function encodeValue(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return `<value>${encodeString(value)}</value>`;
    case 'number':
      return value % 1 === 0 ? `<value><int>${value}</int></value>` : `<value><double>${value}</double></value>`;
    case 'boolean':
      return value ? '<value><boolean>1</boolean></value>' : '<value><boolean>0</boolean></value>';
    case 'object':
      return value === null ? '<value><nil/></value>' : `<value>${encodeObject(value)}</value>`;
    default:
      return '<value/>';
  }
}

function encodeObject(value: object): string {
  if (value instanceof Date) return `<dateTime.iso8601>${formatLocalDateTime(value)}</dateTime.iso8601>`;
  if (Buffer.isBuffer(value)) return element('base64', value.toString('base64'));
  if (Array.isArray(value)) {
    if (value.length === 0) return '<array><data/></array>';
    let xml = '<array><data>';
    for (const item of value) xml += encodeValue(item);
    return `${xml}</data></array>`;
  }
  const keys = Object.keys(value);
  if (keys.length === 0) return '<struct/>';
  let xml = '<struct>';
  for (const key of keys) xml += `<member>${element('name', escapeText(key))}${encodeValue((value as XmlRpcValue & object)[key as never])}</member>`;
  return `${xml}</struct>`;
}

function element(tag: string, text: string): string {
  return text === '' ? `<${tag}/>` : `<${tag}>${text}</${tag}>`;
}

/** encodeString: `<string>` with text escaped, or a CDATA section when the text has `<`, `&` or `]]>`. */
function encodeString(text: string): string {
  if (text === '') return '<string/>';
  if (!SPECIAL.test(text) && !text.includes(']]>')) return `<string>${text}</string>`;
  if (text.includes('<') || text.includes('&') || text.includes(']]>')) {
    return `<string><![CDATA[${assertLegal(text.replaceAll(']]>', ']]]]><![CDATA[>'))}]]></string>`;
  }
  return `<string>${escapeText(text)}</string>`;
}

/** escapeText escapes element text as xmlbuilder does (&, <, >, CR) and refuses illegal characters. */
function escapeText(text: string): string {
  if (!SPECIAL.test(text)) return text;
  return assertLegal(text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#xD;'));
}

function assertLegal(text: string): string {
  const found = ILLEGAL.exec(text);
  // The string itself is never quoted: it may be a credential sent as a parameter.
  if (found) throw new Error(`Invalid character (U+${found[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}) in a string, at index ${found.index}; XML 1.0 cannot carry it`);
  return text;
}

/** formatLocalDateTime: the package's default dateTime, `YYYYMMDDTHH:MM:SS` in local time. */
function formatLocalDateTime(date: Date): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}
