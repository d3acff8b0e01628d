/**
 * The schema table the object store, the implicit messages and the wire conversion are driven
 * by (xenapi.md §2, §7.7). Each class lists its fields as `[qualifier, type, default?]`:
 *
 * - qualifier `R` (read-only at runtime), `C` (set through the constructor record only) or `RW`
 *   (has `set_<field>`); a trailing `!` (`C!`, `RW!`) marks a field the constructor record must
 *   carry (no default);
 * - type `string | int | float | bool | datetime | map | ref:<Class> | enum:a|b | set:<type>`;
 * - default: when omitted, the type's zero (`""`, 0, false, epoch, `{}`, `[]`, `OpaqueRef:NULL`,
 *   the first enum value).
 *
 * Stored values are JSON-friendly: ints and floats are numbers, datetimes epoch milliseconds,
 * maps string→string (xapi stringifies map keys and int values on the wire anyway).
 */
import { NULL_REF } from '../wire/errors.js';

export type Qualifier = 'R' | 'C' | 'RW';

export type FieldType =
  | { kind: 'string' }
  | { kind: 'int' }
  | { kind: 'float' }
  | { kind: 'bool' }
  | { kind: 'datetime' }
  | { kind: 'map' }
  | { kind: 'ref'; cls: string }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'set'; of: FieldType };

export type StoredValue = string | number | boolean | string[] | { [key: string]: string };
export type Row = Record<string, StoredValue>;

export interface FieldSpec {
  name: string;
  qualifier: Qualifier;
  type: FieldType;
  required: boolean;
  default: StoredValue;
}

export type FieldTuple = readonly [string, string] | readonly [string, string, StoredValue];

export interface ClassOptions {
  /** events: changes produce event.from / event.next events (session does not). */
  events?: boolean;
  /** persisted: kept in the persistence file (sessions and tasks are not, as in xapi). */
  persisted?: boolean;
  /** listable: has get_all / get_all_records (session has not). */
  listable?: boolean;
}

export interface ClassSpec {
  name: string;
  fields: ReadonlyMap<string, FieldSpec>;
  events: boolean;
  persisted: boolean;
  listable: boolean;
}

export function parseType(text: string): FieldType {
  if (text.startsWith('set:')) return { kind: 'set', of: parseType(text.slice(4)) };
  if (text.startsWith('ref:')) return { kind: 'ref', cls: text.slice(4) };
  if (text.startsWith('enum:')) return { kind: 'enum', values: text.slice(5).split('|') };
  switch (text) {
    case 'string':
    case 'int':
    case 'float':
    case 'bool':
    case 'datetime':
    case 'map':
      return { kind: text };
    default:
      throw new Error(`schema: unknown type ${text}`);
  }
}

export function zeroValue(type: FieldType): StoredValue {
  switch (type.kind) {
    case 'string':
      return '';
    case 'int':
    case 'float':
    case 'datetime':
      return 0;
    case 'bool':
      return false;
    case 'map':
      return {};
    case 'set':
      return [];
    case 'ref':
      return NULL_REF;
    case 'enum':
      return type.values[0] ?? '';
  }
}

export function defineClass(name: string, tuples: Record<string, FieldTuple>, options: ClassOptions = {}): ClassSpec {
  const fields = new Map<string, FieldSpec>();
  for (const [field, tuple] of Object.entries(tuples)) {
    const [qual, typeText] = tuple;
    const type = parseType(typeText);
    const required = qual.endsWith('!');
    const qualifier = qual.replace('!', '') as Qualifier;
    const def = tuple.length === 3 ? tuple[2] : zeroValue(type);
    fields.set(field, { name: field, qualifier, type, required, default: def });
  }
  return {
    name,
    fields,
    events: options.events ?? true,
    persisted: options.persisted ?? true,
    listable: options.listable ?? true,
  };
}

/** cloneValue copies a stored value so rows never share arrays or maps. */
export function cloneValue(value: StoredValue): StoredValue {
  if (Array.isArray(value)) return [...value];
  if (typeof value === 'object') return { ...value };
  return value;
}
