/**
 * The XML-RPC envelope of fedd messages (fedd.md §1.3): one struct parameter holding a single
 * member `<Op>RequestBody` (fedd's helpers also accept the body unwrapped, and so does this);
 * the reply is `{ "<Op>ResponseBody": {...} }`. IDs are single-key structs; a fedid is a
 * `<base64>` of exactly 20 bytes.
 */
import { isStruct, type XmlRpcStruct, type XmlRpcValue } from '../../../../xmlrpc/value.js';
import { FEDID_BYTES } from '../pki/fedid.js';
import { badRequest } from './fault-codes.js';

/** unwrapRequest returns the request body of operation `op` from the call's parameters. */
export function unwrapRequest(op: string, params: XmlRpcValue[]): XmlRpcStruct {
  if (params.length !== 1 || !isStruct(params[0])) throw badRequest(`${op} takes one struct parameter (${op}RequestBody)`);
  const outer = params[0];
  const wrapped = outer[`${op}RequestBody`];
  if (wrapped === undefined) return outer;
  if (Object.keys(outer).length !== 1) throw badRequest(`${op}: ${op}RequestBody must be the only member of the parameter`);
  if (!isStruct(wrapped)) throw badRequest(`${op}: ${op}RequestBody must be a struct`);
  return wrapped;
}

/** wrapResponse puts a response body into its `<Op>ResponseBody` member. */
export function wrapResponse(op: string, body: XmlRpcStruct): XmlRpcStruct {
  return { [`${op}ResponseBody`]: body };
}

/** unwrapResponse reads a reply that may or may not be wrapped in `<Op>ResponseBody`. */
export function unwrapResponse(op: string, value: XmlRpcValue): XmlRpcStruct | undefined {
  if (!isStruct(value)) return undefined;
  const wrapped = value[`${op}ResponseBody`];
  return isStruct(wrapped) ? wrapped : value;
}

/** fedidId is the IDType struct naming a fedid. */
export function fedidId(fedid: Buffer): XmlRpcStruct {
  return { fedid };
}

/** readAllocId returns the allocation named by `body.allocID` as 40-digit hex. */
export function readAllocId(body: XmlRpcStruct): string {
  const id = body.allocID;
  const fedid = isStruct(id) ? id.fedid : undefined;
  if (!Buffer.isBuffer(fedid)) throw badRequest('allocID must be a fedid');
  if (fedid.length !== FEDID_BYTES) throw badRequest(`allocID fedid must be ${FEDID_BYTES} bytes, got ${fedid.length}`);
  return fedid.toString('hex');
}
