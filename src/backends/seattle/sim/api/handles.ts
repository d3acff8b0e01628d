/**
 * Handle lists (seattle.md §4, release/renew/acquire_specific_vessels). Every handle is resolved
 * before anything changes, so one bad handle fails the whole batch and changes nothing:
 * - not a list: 102; empty: 102;
 * - an element that is not a string: 100 (an assertion inside the server's lookup);
 * - not exactly two parts on `:`: 102 "Invalid vesselhandle: ...";
 * - no such node/vessel: 102 "There is no vessel with the node identifier: ... and vessel name: ...".
 */
import { isStruct, type XmlRpcValue } from '../../../../xmlrpc/value.js';
import type { SeattleStore } from '../model/store.js';
import type { NodeRecord } from '../model/types.js';
import { EMPTY_HANDLE_LIST_TEXT, HANDLE_LIST_TYPE_TEXT, internalError, invalidRequest } from './faults.js';

export function requireHandleList(value: XmlRpcValue | undefined): XmlRpcValue[] {
  if (!Array.isArray(value)) throw invalidRequest(HANDLE_LIST_TYPE_TEXT);
  return value;
}

/** requireStringHandles is renew's own up-front type check (102, naming the Python type). */
export function requireStringHandles(list: XmlRpcValue[]): void {
  for (const handle of list) {
    if (typeof handle !== 'string') throw invalidRequest(`Invalid data type for handle. Expected str, received ${pythonTypeName(handle)}`);
  }
}

/** resolveHandles is the server's get_vessel_list: the vessels, in order, or a fault. */
export function resolveHandles(store: SeattleStore, list: XmlRpcValue[]): NodeRecord[] {
  if (list.length === 0) throw invalidRequest(EMPTY_HANDLE_LIST_TEXT);
  return list.map((handle) => {
    if (typeof handle !== 'string') throw internalError();
    const parts = handle.split(':');
    if (parts.length !== 2) throw invalidRequest(`Invalid vesselhandle: ${handle}`);
    const [nodeId, vesselName] = parts as [string, string];
    const node = store.findVessel(nodeId, vesselName);
    if (!node) throw invalidRequest(`There is no vessel with the node identifier: ${nodeId} and vessel name: ${vesselName}`);
    return node;
  });
}

/** pythonTypeName is `str(type(x))` in the Python 2 server for what xmlrpclib decodes. */
export function pythonTypeName(value: XmlRpcValue): string {
  if (typeof value === 'number') return Number.isInteger(value) ? "<type 'int'>" : "<type 'float'>";
  if (typeof value === 'boolean') return "<type 'bool'>";
  if (typeof value === 'string') return "<type 'str'>";
  if (value === null) return "<type 'NoneType'>";
  if (Array.isArray(value)) return "<type 'list'>";
  if (isStruct(value)) return "<type 'dict'>";
  return "<type 'instance'>";
}
