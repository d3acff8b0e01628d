/**
 * Python's wording, where PLC and the Node Manager put Python values into fault strings
 * (`No such slice %r`, `unknown column(s) specified ['bogus']`, `<Fault 102: "…">`).
 */
import { isStruct, type XmlRpcValue } from '../../../xmlrpc/value.js';

/** pyRepr renders a value as Python's repr() would, for the types XML-RPC carries. */
export function pyRepr(value: XmlRpcValue | undefined): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'string') return reprString(value);
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : reprFloat(value);
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  if (isStruct(value)) return `{${Object.entries(value).map(([k, v]) => `${reprString(k)}: ${pyRepr(v)}`).join(', ')}}`;
  if (Buffer.isBuffer(value)) return `<xmlrpc.client.Binary object>`;
  return `<DateTime '${value.toISOString()}'>`;
}

/** reprString quotes as Python does: single quotes unless the text has a ' and no ". */
export function reprString(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  const body = text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\t/g, '\\t').replace(/\r/g, '\\r');
  return quote + (quote === "'" ? body.replace(/'/g, "\\'") : body) + quote;
}

function reprFloat(value: number): string {
  const text = String(value);
  return /[.eE]/.test(text) || !Number.isFinite(value) ? text : `${text}.0`;
}

/** pyTypeName is Python's type name of a decoded XML-RPC value (xmlrpc.client with builtin types off). */
export function pyTypeName(value: XmlRpcValue | undefined): string {
  if (value === null || value === undefined) return 'NoneType';
  if (typeof value === 'string') return 'str';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (Array.isArray(value)) return 'list';
  if (Buffer.isBuffer(value)) return 'Binary';
  if (value instanceof Date) return 'DateTime';
  return 'dict';
}
