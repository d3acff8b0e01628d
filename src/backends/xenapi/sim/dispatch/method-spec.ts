/**
 * MethodSpec declares one API method: its parameters after the session (types drive the
 * unmarshalling and the MESSAGE_PARAMETER_COUNT_MISMATCH counts), whether it takes a session,
 * whether it has an `Async.` form, and its implementation. Handlers return wire values and
 * throw XenApiError for API failures.
 */
import type { XmlRpcValue } from '../../../../xmlrpc/value.js';
import type { FieldType, Row, StoredValue } from '../schema/types.js';
import type { VmOperation } from '../vm/operations.js';

export type ParamType = FieldType | { kind: 'record'; cls: string };
export type ArgValue = StoredValue | Row;

export interface ParamSpec {
  name: string;
  type: ParamType;
  /** default makes the parameter optional (only trailing parameters may be). */
  default?: ArgValue;
}

/** CallInfo describes the call being served. */
export interface CallInfo {
  /** method is the name as called (`Async.VM.clone`, `VM_start`, …). */
  method: string;
  /** session is the caller's session ref ('' for methods without one). */
  session: string;
  signal: AbortSignal;
  /** task is set when the body runs inside an Async task. */
  task?: string;
}

export interface MethodSpec {
  name: string;
  params: ParamSpec[];
  /** session: the first wire parameter is a session ref (default true). */
  session?: boolean;
  /** async: an `Async.<name>` form exists. */
  async?: boolean;
  /** vmOp: the VM operation an Async task holds on its first argument while pending. */
  vmOp?: VmOperation;
  /** run's undefined result is xapi's void, sent as the empty string. */
  run(args: ArgValue[], call: CallInfo): XmlRpcValue | void | Promise<XmlRpcValue | void>;
}

/** Shorthands for parameter types. */
export const T = {
  string: { kind: 'string' },
  int: { kind: 'int' },
  float: { kind: 'float' },
  bool: { kind: 'bool' },
  map: { kind: 'map' },
  strings: { kind: 'set', of: { kind: 'string' } },
  ref: (cls: string): ParamType => ({ kind: 'ref', cls }),
  refs: (cls: string): ParamType => ({ kind: 'set', of: { kind: 'ref', cls } }),
  record: (cls: string): ParamType => ({ kind: 'record', cls }),
  enumOf: (values: readonly string[]): ParamType => ({ kind: 'enum', values }),
} as const satisfies Record<string, ParamType | ((x: never) => ParamType)>;

export function p(name: string, type: ParamType, defaultValue?: ArgValue): ParamSpec {
  return defaultValue === undefined ? { name, type } : { name, type, default: defaultValue };
}

/** Typed readers for already-unmarshalled arguments. */
export const argStr = (args: ArgValue[], i: number): string => String(args[i] ?? '');
export const argNum = (args: ArgValue[], i: number): number => Number(args[i] ?? 0);
export const argBool = (args: ArgValue[], i: number): boolean => args[i] === true;
export const argMap = (args: ArgValue[], i: number): Record<string, string> => (args[i] ?? {}) as Record<string, string>;
export const argList = (args: ArgValue[], i: number): string[] => (args[i] ?? []) as string[];
export const argRow = (args: ArgValue[], i: number): Row => (args[i] ?? {}) as Row;
