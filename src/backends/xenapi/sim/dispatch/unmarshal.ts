/**
 * Resolving a method name and unmarshalling its parameters the way xapi's generated server does
 * (xenapi.md §1, §7.6), in this order:
 * 1. the name: `Async.` prefix, the `VM_start` underscore alias; unknown is
 *    `MESSAGE_METHOD_UNKNOWN [method]`, `Async.` of a method without async form is
 *    `["Fault", "No async mode for this operation (rpc: <method>)"]`;
 * 2. the count, session excluded: `MESSAGE_PARAMETER_COUNT_MISMATCH [method, expected, received]`
 *    (trailing parameters with defaults may be omitted; a call without even the session counts -1);
 * 3. the types (convert.ts), constructor records included: missing required fields and type
 *    errors are `INTERNAL_ERROR`.
 */
import type { XmlRpcValue } from '../../../../xmlrpc/value.js';
import { isStruct } from '../../../../xmlrpc/value.js';
import { classSpec, CLASSES } from '../schema/index.js';
import type { Row } from '../schema/types.js';
import { fromWire, typeError } from '../wire/convert.js';
import { internalError, XenApiError } from '../wire/errors.js';
import type { ArgValue, MethodSpec, ParamType } from './method-spec.js';

const ALIAS_PREFIXES = [...CLASSES.map((c) => c.name), 'event', 'system'].sort((a, b) => b.length - a.length);

export interface Resolved {
  spec: MethodSpec;
  isAsync: boolean;
}

export function resolveMethod(table: ReadonlyMap<string, MethodSpec>, method: string): Resolved {
  const isAsync = method.startsWith('Async.');
  const base = isAsync ? method.slice('Async.'.length) : method;
  const spec = table.get(base) ?? table.get(underscoreAlias(base));
  if (!spec) throw new XenApiError('MESSAGE_METHOD_UNKNOWN', [method]);
  if (isAsync && !spec.async) throw new XenApiError('Fault', [`No async mode for this operation (rpc: ${method})`]);
  return { spec, isAsync };
}

function underscoreAlias(name: string): string {
  if (name.includes('.')) return name;
  const prefix = ALIAS_PREFIXES.find((cls) => name.startsWith(`${cls}_`));
  return prefix ? `${prefix}.${name.slice(prefix.length + 1)}` : name;
}

/** unmarshal checks the count and types of `params` (session first, if the method takes one). */
export function unmarshal(method: string, spec: MethodSpec, params: XmlRpcValue[]): { session: string; args: ArgValue[] } {
  const offset = spec.session === false ? 0 : 1;
  const received = params.length - offset;
  const required = spec.params.filter((param) => param.default === undefined).length;
  if (received < required || received > spec.params.length) {
    throw new XenApiError('MESSAGE_PARAMETER_COUNT_MISMATCH', [method, String(spec.params.length), String(received)]);
  }
  const session = offset === 1 ? String(fromWire({ kind: 'ref', cls: 'session' }, params[0] ?? null)) : '';
  const args = spec.params.map((param, i) => {
    const value = params[i + offset];
    return value === undefined ? (param.default as ArgValue) : unmarshalParam(param.type, value);
  });
  return { session, args };
}

function unmarshalParam(type: ParamType, value: XmlRpcValue): ArgValue {
  return type.kind === 'record' ? unmarshalRecord(type.cls, value) : fromWire(type, value);
}

/** unmarshalRecord reads a constructor record: settable fields only, required ones present. */
function unmarshalRecord(cls: string, value: XmlRpcValue): Row {
  const spec = classSpec(cls);
  if (!spec) throw internalError(`unknown class ${cls}`);
  if (!isStruct(value)) return typeError({ kind: 'map' }, value);
  const row: Row = {};
  for (const field of spec.fields.values()) {
    if (field.qualifier === 'R') continue;
    const given = value[field.name];
    if (given !== undefined) row[field.name] = fromWire(field.type, given);
    else if (field.required) throw internalError(`Rpc.Runtime_error("field ${field.name} not found in ${cls} record", Dict [...])`);
  }
  return row;
}
