/**
 * PLC's argument type checker (PLC/Method.py type_check), which runs before authentication:
 * - a mismatch is 102 `Invalid <name> value: expected int, got string`; a Mixed parameter lists
 *   its alternatives (`expected int or string, got struct`) whatever made each one fail;
 * - booleans pass where ints are expected (Python's bool is an int);
 * - nil passes only where the parameter is `nullok`;
 * - strings longer than `max` bytes: `Invalid argument: <name> must be at most N bytes long`;
 * - struct members the spec does not name are ignored; a required member that is missing is
 *   `Invalid <name> value: 'key' not specified`; arrays check every item as `<name>[]`.
 */
import { isStruct, type XmlRpcValue } from '../../../../../xmlrpc/value.js';
import { invalidArgument } from './faults.js';

/** ScalarType is a scalar XML-RPC type a parameter may expect. */
export type ScalarType = 'int' | 'string' | 'bool' | 'double';

/** ParamSpec is PLC's Parameter/Mixed/list/dict description of an argument; `optional: false` makes a struct member required. */
export type ParamSpec =
  | { type: ScalarType; max?: number; nullok?: boolean; optional?: boolean }
  | { type: 'array'; items: ParamSpec; nullok?: boolean; optional?: boolean }
  | { type: 'struct'; fields: Record<string, ParamSpec>; nullok?: boolean; optional?: boolean }
  | { type: 'mixed'; options: ParamSpec[]; nullok?: boolean; optional?: boolean }
  | { type: 'any'; optional?: boolean };

/** Spec builders, named after the XML-RPC types they expect. */
export const int = (extra: Partial<{ nullok: boolean; optional: boolean }> = {}): ParamSpec => ({ type: 'int', ...extra });
export const str = (extra: Partial<{ max: number; nullok: boolean; optional: boolean }> = {}): ParamSpec => ({ type: 'string', ...extra });
export const bool = (extra: Partial<{ nullok: boolean; optional: boolean }> = {}): ParamSpec => ({ type: 'bool', ...extra });
export const array = (items: ParamSpec, extra: Partial<{ nullok: boolean }> = {}): ParamSpec => ({ type: 'array', items, ...extra });
export const mixed = (...options: ParamSpec[]): ParamSpec => ({ type: 'mixed', options });
export const struct = (fields: Record<string, ParamSpec>, extra: Partial<{ nullok: boolean }> = {}): ParamSpec => ({ type: 'struct', fields, ...extra });
export const any: ParamSpec = { type: 'any' };

/** xmlrpcTypeOf names a decoded value's XML-RPC type, as PLC's messages do. */
export function xmlrpcTypeOf(value: XmlRpcValue | undefined): string {
  if (value === null || value === undefined) return 'nil';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'double';
  if (typeof value === 'string') return 'string';
  if (Array.isArray(value)) return 'array';
  if (Buffer.isBuffer(value)) return 'base64';
  if (value instanceof Date) return 'dateTime.iso8601';
  return 'struct';
}

/** specTypeName is the XML-RPC type a spec expects (for `expected X or Y`). */
export function specTypeName(spec: ParamSpec): string {
  switch (spec.type) {
    case 'bool':
      return 'boolean';
    case 'mixed':
      return 'mixed';
    case 'any':
      return 'any';
    default:
      return spec.type;
  }
}

/** typeCheck throws the PLC fault for the first problem found, or returns. */
export function typeCheck(name: string, value: XmlRpcValue | undefined, spec: ParamSpec): void {
  if (spec.type === 'any') return;
  if (value === null && spec.nullok) return;
  if (spec.type === 'mixed') return checkMixed(name, value, spec.options);
  if (!matchesType(value, spec.type)) {
    throw invalidArgument(`expected ${specTypeName(spec)}, got ${xmlrpcTypeOf(value)}`, name);
  }
  if (spec.type === 'string' && spec.max !== undefined && Buffer.byteLength(value as string, 'utf8') > spec.max) {
    throw invalidArgument(`${name} must be at most ${spec.max} bytes long`);
  }
  if (spec.type === 'array') for (const item of value as XmlRpcValue[]) typeCheck(`${name}[]`, item, spec.items);
  if (spec.type === 'struct') checkStruct(name, value as Record<string, XmlRpcValue>, spec.fields);
}

function checkMixed(name: string, value: XmlRpcValue | undefined, options: ParamSpec[]): void {
  for (const option of options) {
    try {
      typeCheck(name, value, option);
      return;
    } catch {
      // try the next alternative, as PLC does
    }
  }
  throw invalidArgument(`expected ${options.map(specTypeName).join(' or ')}, got ${xmlrpcTypeOf(value)}`, name);
}

function checkStruct(name: string, value: Record<string, XmlRpcValue>, fields: Record<string, ParamSpec>): void {
  for (const [key, member] of Object.entries(value)) {
    const spec = fields[key];
    if (spec) typeCheck(`${name}['${key}']`, member, spec);
  }
  for (const [key, spec] of Object.entries(fields)) {
    if (spec.optional === false && !(key in value)) throw invalidArgument(`'${key}' not specified`, name);
  }
}

function matchesType(value: XmlRpcValue | undefined, type: Exclude<ParamSpec['type'], 'mixed' | 'any'>): boolean {
  switch (type) {
    case 'int':
      return (typeof value === 'number' && Number.isInteger(value)) || typeof value === 'boolean';
    case 'double':
      return typeof value === 'number';
    case 'string':
      return typeof value === 'string';
    case 'bool':
      return typeof value === 'boolean';
    case 'array':
      return Array.isArray(value);
    case 'struct':
      return isStruct(value);
  }
}
