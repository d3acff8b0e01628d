/**
 * PLC's `system.*` methods (§A1): listMethods, methodHelp, methodSignature and multicall. They
 * take no auth but go through the same count and type checks (`": system.multicall: …"`).
 * multicall answers `[value]` or `{faultCode, faultString}` per call; a recursive multicall is
 * -507, and an exception that is not a fault is faultCode 1 `"<class 'KeyError'>:'name'"`.
 */
import { XmlRpcFault } from '../../../../../xmlrpc/fault.js';
import type { XmlRpcStruct, XmlRpcValue } from '../../../../../xmlrpc/value.js';
import { PlcFault, PythonError } from './faults.js';
import type { PlcMethod } from './method.js';
import { array, any, str, struct, specTypeName, type ParamSpec } from './param-check.js';

/** SystemMethod is a method without auth: arity and types are checked, nothing else. */
export interface SystemMethod {
  name: string;
  accepts: Array<{ name: string; spec: ParamSpec }>;
  returns: string;
  doc: string;
  run(args: XmlRpcValue[]): XmlRpcValue;
}

/** PlcCaller answers one call by name at the top level (faults as XmlRpcFault, or PythonError). */
export type PlcCaller = (name: string, params: XmlRpcValue[]) => XmlRpcValue;

/** systemMethods builds the system.* methods over the API methods; `call` answers multicall's inner calls. */
export function systemMethods(methods: ReadonlyMap<string, PlcMethod>, call: PlcCaller): SystemMethod[] {
  const names = (): string[] => [...methods.keys(), 'system.listMethods', 'system.methodHelp', 'system.methodSignature', 'system.multicall'].sort();
  return [
    { name: 'system.listMethods', accepts: [], returns: 'array', doc: 'Lists every method this server dispatches.', run: () => names() },
    {
      name: 'system.methodHelp',
      accepts: [{ name: 'method', spec: str() }],
      returns: 'string',
      doc: 'Returns help text for a method.',
      run: ([name]) => methodHelp(lookup(methods, String(name))),
    },
    {
      name: 'system.methodSignature',
      accepts: [{ name: 'method', spec: str() }],
      returns: 'array',
      doc: 'Returns the signature of a method: [[return type, parameter types…]].',
      run: ([name]) => {
        const method = lookup(methods, String(name));
        return [[method.returns, ...method.accepts.map((a) => specTypeName(a.spec))]];
      },
    },
    {
      name: 'system.multicall',
      accepts: [{ name: 'calls', spec: array(struct({ methodName: str(), params: array(any) })) }],
      returns: 'array',
      doc: 'Runs several calls in one request; each result is [value] or {faultCode, faultString}.',
      run: ([calls]) => (calls as XmlRpcStruct[]).map((c) => multicallOne(c, call)),
    },
  ];
}

function lookup(methods: ReadonlyMap<string, PlcMethod>, name: string): PlcMethod {
  const method = methods.get(name);
  if (!method) throw new PlcFault(100, `Invalid method ${name}`);
  return method;
}

function methodHelp(method: PlcMethod): string {
  const args = method.accepts.map((a) => a.name).join(', ');
  return `${method.name}(${args}) -> ${method.returns}\n\nDescription:\n\n  ${method.doc}\n\nAllowed Roles:\n\n  ${method.roles.join(', ')}\n`;
}

function multicallOne(entry: XmlRpcStruct, call: PlcCaller): XmlRpcValue {
  try {
    if (!('methodName' in entry)) throw new PythonError('KeyError', "'methodName'");
    if (!('params' in entry)) throw new PythonError('KeyError', "'params'");
    const name = String(entry.methodName);
    if (name === 'system.multicall') return { faultCode: -507, faultString: 'Recursive system.multicall forbidden' };
    return [call(name, entry.params as XmlRpcValue[])];
  } catch (error) {
    if (error instanceof XmlRpcFault) return { faultCode: error.faultCode, faultString: error.faultString };
    if (error instanceof PythonError) return { faultCode: 1, faultString: error.multicallString };
    throw error;
  }
}
