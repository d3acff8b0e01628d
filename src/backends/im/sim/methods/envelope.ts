/**
 * The XML-RPC surface of IM's SimpleXMLRPCServer around each method: Python's TypeError for a
 * wrong argument count, the `[true, value]` / `[false, "message"]` envelope for everything the
 * IM logic raises, and the marshaller's faults for None and for ints beyond 32 bits. A method
 * whose work takes time answers with `ReplyAt`: the state changed (and was saved) at once, and
 * the HTTP reply waits until the virtual clock reaches the end of the work, as the real server's
 * reply waits for its thread.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { XmlRpcFault } from '../../../../xmlrpc/fault.js';
import type { MethodHandler } from '../../../../xmlrpc/server.js';
import type { XmlRpcValue } from '../../../../xmlrpc/value.js';
import type { Clock } from '../model/store.js';

/** MethodSpec declares a method's Python signature and its implementation. */
export interface MethodSpec {
  name: string;
  /** params are the Python parameter names, required ones first. */
  params: string[];
  required: number;
  /** run gets the arguments padded with undefined up to params.length. */
  run(args: Array<XmlRpcValue | undefined>): ImResult;
}

/** ImResult is what a method returns; Unmarshalable stands for a Python object xmlrpc cannot send. */
export type ImResult = XmlRpcValue | undefined | Unmarshalable | PyFloat | ReplyAt;

/** ReplyAt answers `value` once the virtual clock reaches `at` (virtual epoch ms). */
export class ReplyAt {
  readonly value: XmlRpcValue;
  readonly at: number;

  constructor(value: XmlRpcValue, at: number) {
    this.value = value;
    this.at = at;
  }
}

/** PyFloat marks a Python float: sent as a number without the 32-bit int limit. */
export class PyFloat {
  readonly value: number;

  constructor(value: number) {
    this.value = value;
  }
}

export class Unmarshalable {
  readonly pythonClass: string;

  constructor(pythonClass: string) {
    this.pythonClass = pythonClass;
  }
}

const INT_MAX = 2 ** 31 - 1;
const INT_MIN = -(2 ** 31);

/** envelope turns a spec into a server handler; `afterCall` runs before any reply (persistence). */
export function envelope(spec: MethodSpec, afterCall: () => void, clock: Clock): MethodHandler {
  return async (params, call) => {
    const arity = arityError(spec, params.length);
    if (arity) throw new XmlRpcFault(1, `<class 'TypeError'>:${arity}`);
    const args: Array<XmlRpcValue | undefined> = [...params];
    while (args.length < spec.params.length) args.push(undefined);
    let value: ImResult;
    try {
      value = spec.run(args);
    } catch (error) {
      afterCall();
      return [false, error instanceof Error ? error.message : String(error)];
    }
    afterCall();
    if (value instanceof ReplyAt) {
      await waitForClock(clock, value.at, call.signal);
      return [true, marshal(value.value)];
    }
    return [true, marshal(value)];
  };
}

/** POLL_MS bounds each wait so that a test advancing the virtual clock is noticed quickly. */
const POLL_MS = 20;

/** waitForClock resolves once `clock` reaches `at`, or at once when the client has gone. */
async function waitForClock(clock: Clock, at: number, signal: AbortSignal): Promise<void> {
  for (let left = at - clock.now(); left > 0 && !signal.aborted; left = at - clock.now()) {
    await sleep(Math.min(left, POLL_MS), undefined, { signal }).catch(() => undefined);
  }
}

/** arityError is CPython's message for calling `spec.name` with `given` positional arguments. */
export function arityError(spec: Pick<MethodSpec, 'name' | 'params' | 'required'>, given: number): string | undefined {
  const max = spec.params.length;
  if (given > max) {
    const verb = given === 1 ? 'was' : 'were';
    if (spec.required === max) return `${spec.name}() takes ${max} positional argument${max === 1 ? '' : 's'} but ${given} ${verb} given`;
    return `${spec.name}() takes from ${spec.required} to ${max} positional arguments but ${given} ${verb} given`;
  }
  if (given < spec.required) {
    const missing = spec.params.slice(given, spec.required).map((p) => `'${p}'`);
    const list =
      missing.length === 1 ? missing[0] : missing.length === 2 ? missing.join(' and ') : `${missing.slice(0, -1).join(', ')}, and ${missing.at(-1)}`;
    return `${spec.name}() missing ${missing.length} required positional argument${missing.length === 1 ? '' : 's'}: ${list}`;
  }
  return undefined;
}

/** marshal checks a result as Python's xmlrpc.client.Marshaller would (allow_none=False). */
function marshal(value: ImResult): XmlRpcValue {
  if (value === undefined || value === null) throw new XmlRpcFault(1, "<class 'TypeError'>:cannot marshal None unless allow_none is enabled");
  if (value instanceof ReplyAt) return marshal(value.value);
  if (value instanceof PyFloat) return value.value;
  if (value instanceof Unmarshalable) throw new XmlRpcFault(1, `<class 'TypeError'>:cannot marshal <class '${value.pythonClass}'> objects`);
  if (typeof value === 'number' && Number.isInteger(value) && (value > INT_MAX || value < INT_MIN)) {
    throw new XmlRpcFault(1, "<class 'OverflowError'>:int exceeds XML-RPC limits");
  }
  if (Array.isArray(value)) return value.map((v) => marshal(v));
  if (typeof value === 'object' && !(value instanceof Date) && !Buffer.isBuffer(value)) {
    const out: Record<string, XmlRpcValue> = {};
    for (const [k, v] of Object.entries(value)) out[k] = marshal(v);
    return out;
  }
  return value;
}
