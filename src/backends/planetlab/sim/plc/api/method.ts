/**
 * A PLC method and the wrapper every call goes through (PLC/Method.py __call__), in PLC's order:
 * argument count (101), argument types (102), authentication (103/108), then the body. A PlcFault
 * leaving the method is prefixed `"<caller>: <Method>: "`; the caller is empty until
 * authentication succeeded, so count, type and authentication faults read `": GetSlices: …"`.
 * Methods that call other methods (`ctx.invoke`) go through the same wrapper with the same auth,
 * as PLC's UpdateSlice does with AddSliceToNodes and friends.
 */
import type { XmlRpcStruct, XmlRpcValue } from '../../../../../xmlrpc/value.js';
import type { PlcStore } from '../model/store.js';
import type { MethodRole } from '../model/types.js';
import { authenticate, callerLabel, type Caller } from './auth.js';
import { PlcFault, argumentCount } from './faults.js';
import { typeCheck, type ParamSpec } from './param-check.js';

/** PlcConfig is the PLC's site configuration, fixed for a simulator's life. */
export interface PlcConfig {
  /** hrnRoot is PLC_HRN_ROOT: AddSlice tags `hrn` = `<root>.<login_base>.<rest>`. */
  hrnRoot: string;
  /** vsysDefaults is PLC_VSYS_DEFAULTS: vsys tags AddSlice adds to every new slice. */
  vsysDefaults: readonly string[];
  sessionLifetimeSeconds: number;
  /** signTicket seals a GetSliceTicket payload into the opaque ticket text. */
  signTicket(payload: XmlRpcStruct): string;
  /** ticketEncoding: `base64` (Python 3 PLC, §C) or `string` (Python 2 PLC). */
  ticketEncoding: 'base64' | 'string';
}

/** PlcEnv is what one API call runs in: one clock reading (epoch seconds) for the whole call. */
export interface PlcEnv {
  store: PlcStore;
  now: number;
  config: PlcConfig;
  /** invoke calls another method by name, through the whole wrapper. */
  invoke(name: string, args: XmlRpcValue[]): XmlRpcValue;
}

/** MethodContext is a method body's view: the call's environment, the authenticated caller, the raw auth struct. */
export interface MethodContext extends PlcEnv {
  caller: Caller;
  auth: XmlRpcStruct;
}

/** ParamDecl names a parameter as PLC's messages do (`slice_fields`, `auth`). */
export interface ParamDecl {
  name: string;
  spec: ParamSpec;
}

/** PlcMethod declares a method; accepts[0] is the auth struct; the last `accepts.length - minArgs` are optional. */
export interface PlcMethod {
  name: string;
  roles: readonly MethodRole[];
  accepts: ParamDecl[];
  minArgs: number;
  returns: string;
  doc: string;
  run(ctx: MethodContext, args: XmlRpcValue[]): XmlRpcValue;
}

/** runMethod calls `method` as PLC does; failures leave as prefixed PlcFaults (or PythonErrors). */
export function runMethod(method: PlcMethod, args: XmlRpcValue[], env: PlcEnv): XmlRpcValue {
  let caller: Caller | undefined;
  try {
    if (args.length < method.minArgs || args.length > method.accepts.length) throw argumentCount(args.length, method.minArgs, method.accepts.length);
    args.forEach((arg, i) => {
      const decl = method.accepts[i] as ParamDecl;
      typeCheck(decl.name, arg, decl.spec);
    });
    const auth = args[0] as XmlRpcStruct;
    caller = authenticate(env.store, auth, method, env.now);
    return method.run({ ...env, caller, auth }, args);
  } catch (error) {
    if (error instanceof PlcFault) throw error.withPrefix(callerLabel(caller), method.name);
    throw error;
  }
}
