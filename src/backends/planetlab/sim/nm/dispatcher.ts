/**
 * The Node Manager's dispatcher (api.py _dispatch, planetlab.md §B4), in its order:
 * 1. unknown method → 100; wrong argument count → 101;
 * 2. the `<prefix>_sfacm` account runs anything, unchecked;
 * 3. Help, Ticket, GetXIDs and GetSSHKeys run for anyone;
 * 4. otherwise the target (args[0], or the caller for GetRecord) must be a record whose type
 *    starts with `sliver.` (else 102), and the caller must be the target itself or equal the
 *    record's whole `delegations` value (else 108) — a list of two names never matches, unless
 *    the opt-in `comma-list` mode is on;
 * every exception inside a method becomes 104, and a None result is sent as 1. A target that
 * Python cannot use as a dict key (a list, a struct, a Binary) fails before the dispatch's own
 * error handling, so SimpleXMLRPCServer answers it with fault 1.
 */
import { isStruct, type XmlRpcValue } from '../../../../xmlrpc/value.js';
import { pyTypeName } from '../python.js';
import { NM_METHODS, NM_METHOD_NAMES, type NmContext, type NmMethod } from './api-calls.js';
import { NmFault, PyError, errorInCall } from './faults.js';
import type { NmRecord } from './records.js';

/** DispatchPolicy is the node configuration the dispatcher depends on. */
export interface DispatchPolicy {
  /** sfacmAccount is `<PLC_SLICE_PREFIX>_sfacm`, the SFA component manager that skips every check. */
  sfacmAccount: string;
  delegationMode: 'exact' | 'comma-list';
}

/** dispatchNm answers one call from `caller`; faults leave as NmFault. */
export function dispatchNm(ctx: NmContext, name: string, args: XmlRpcValue[], caller: string, policy: DispatchPolicy): XmlRpcValue {
  const method = NM_METHODS[name];
  if (!method) throw new NmFault(100, `Invalid API method ${name}.  Valid choices are ${NM_METHOD_NAMES.join(', ')}`);
  if (args.length !== method.nargs) throw new NmFault(101, `Invalid argument count: got ${args.length}, expecting ${method.nargs}.`);
  if (caller === policy.sfacmAccount) return runGuarded(() => runAsSfacm(ctx, name, method, args));
  if (method.open) return runGuarded(() => method.run(ctx, args));
  const targetName = name === 'GetRecord' ? caller : args[0];
  const rec = lookupTarget(ctx, targetName);
  if (!rec || !rec.type.startsWith('sliver.')) throw new NmFault(102, 'Invalid argument: the first argument must be a sliver name.');
  if (caller !== targetName && !delegates(rec, caller, policy)) throw new NmFault(108, `${caller}: Permission denied.`);
  return runGuarded(() => method.run(ctx, args, rec));
}

function runGuarded(run: () => XmlRpcValue | void): XmlRpcValue {
  try {
    const result = run();
    return result === undefined || result === null ? 1 : result;
  } catch (error) {
    throw errorInCall(error);
  }
}

/** runAsSfacm calls the method on its raw arguments, as the NM does for the SFA account. */
function runAsSfacm(ctx: NmContext, name: string, method: NmMethod, args: XmlRpcValue[]): XmlRpcValue | void {
  if (method.open || name === 'AdminTicket') return method.run(ctx, args);
  if (args.length === 0) throw new PyError(`${name}() missing 1 required positional argument: 'sliver_name'`);
  throw new PyError('string indices must be integers');
}

function lookupTarget(ctx: NmContext, targetName: XmlRpcValue | undefined): NmRecord | undefined {
  if (Array.isArray(targetName) || isStruct(targetName) || Buffer.isBuffer(targetName)) {
    throw new NmFault(1, `<class 'TypeError'>:unhashable type: '${pyTypeName(targetName)}'`);
  }
  return typeof targetName === 'string' ? ctx.db.get(targetName) : undefined;
}

function delegates(rec: NmRecord, caller: string, policy: DispatchPolicy): boolean {
  if (typeof rec.delegations !== 'string') return false;
  if (policy.delegationMode === 'exact') return rec.delegations === caller;
  return rec.delegations.split(',').map((s) => s.trim()).includes(caller);
}
