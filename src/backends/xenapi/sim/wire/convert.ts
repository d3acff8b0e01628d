/**
 * Conversions between stored values and the wire, driven by the schema types (xenapi.md §1):
 * - out: ints become decimal strings, datetimes Dates, floats stay numbers (printed as doubles);
 * - in: xapi's tolerance — int64 from an int tag or a decimal string, float from a double, an
 *   int or a numeric string — and its strictness: bool only from `<boolean>`, strings only from
 *   strings. A mismatch is `INTERNAL_ERROR` with the printed unmarshalling exception.
 */
import type { XmlRpcValue } from '../../../../xmlrpc/value.js';
import { isStruct } from '../../../../xmlrpc/value.js';
import type { ClassSpec, FieldType, Row, StoredValue } from '../schema/types.js';
import { internalError } from './errors.js';

export function toWire(type: FieldType, value: StoredValue): XmlRpcValue {
  switch (type.kind) {
    case 'int':
      return String(Math.trunc(Number(value)));
    case 'datetime':
      return new Date(Number(value));
    case 'set':
      return (value as string[]).map((v) => toWire(type.of, v));
    case 'map':
      return { ...(value as Record<string, string>) };
    default:
      return value as XmlRpcValue;
  }
}

/** recordToWire renders a whole row as get_record returns it: every field, schema order. */
export function recordToWire(spec: ClassSpec, row: Readonly<Row>): Record<string, XmlRpcValue> {
  const out: Record<string, XmlRpcValue> = {};
  for (const field of spec.fields.values()) out[field.name] = toWire(field.type, row[field.name] ?? field.default);
  return out;
}

function typeName(type: FieldType): string {
  switch (type.kind) {
    case 'string':
    case 'ref':
      return 'String(string)';
    case 'int':
      return 'Int(int64)';
    case 'float':
      return 'Float(float)';
    case 'bool':
      return 'Bool(bool)';
    case 'datetime':
      return 'DateTime(datetime)';
    case 'enum':
      return `Enum[${type.values.join(';')}]`;
    case 'set':
      return `Enum[${typeName(type.of)}]`;
    case 'map':
      return 'Dict[(string * string)]';
  }
}

function printed(value: XmlRpcValue): string {
  if (typeof value === 'string') return `String "${value}"`;
  if (typeof value === 'number') return Number.isInteger(value) ? `Int ${value}` : `Float ${value}`;
  if (typeof value === 'boolean') return `Bool ${value}`;
  if (Array.isArray(value)) return 'Enum [...]';
  if (value instanceof Date) return 'DateTime';
  return value === null ? 'Null' : 'Dict [...]';
}

export function typeError(type: FieldType, value: XmlRpcValue): never {
  throw internalError(`Rpc.Runtime_error("${typeName(type)}", ${printed(value)})`);
}

const INT = /^-?\d+$/;
const XAPI_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2}):(\d{2}):(\d{2})Z?$/;

/** fromWire parses one incoming value of `type`, or throws INTERNAL_ERROR. */
export function fromWire(type: FieldType, value: XmlRpcValue): StoredValue {
  switch (type.kind) {
    case 'string':
    case 'ref':
      return typeof value === 'string' ? value : typeError(type, value);
    case 'enum':
      return typeof value === 'string' && type.values.includes(value) ? value : typeError(type, value);
    case 'int':
      if (typeof value === 'number' && Number.isInteger(value)) return value;
      return typeof value === 'string' && INT.test(value) ? Number(value) : typeError(type, value);
    case 'float':
      if (typeof value === 'number') return value;
      return typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)) ? Number(value) : typeError(type, value);
    case 'bool':
      return typeof value === 'boolean' ? value : typeError(type, value);
    case 'datetime':
      return parseDateTime(type, value);
    case 'set':
      return Array.isArray(value) ? value.map((v) => String(fromWire(type.of, v))) : typeError(type, value);
    case 'map':
      return parseMap(type, value);
  }
}

function parseDateTime(type: FieldType, value: XmlRpcValue): number {
  if (value instanceof Date) return value.getTime();
  const m = typeof value === 'string' ? XAPI_DATE.exec(value) : null;
  if (!m) return typeError(type, value);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

function parseMap(type: FieldType, value: XmlRpcValue): Record<string, string> {
  if (!isStruct(value)) return typeError(type, value);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) out[k] = typeof v === 'string' ? v : typeError(type, v);
  return out;
}
