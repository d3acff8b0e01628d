/**
 * The XML-RPC envelope of fedd messages (apis/fedd.md §1.3): the one parameter is a struct whose
 * only member is `<Op>RequestBody`; replies are `{ "<Op>ResponseBody": {...} }` (read unwrapped
 * too, as fedd's own helpers accept both). IDs are single-key structs; an allocID is
 * `{fedid: <base64 of 20 bytes>}`. No nil anywhere: absent fields are omitted.
 */
import { ConvergeError } from '../../../errors/converge-error.js';
import { isStruct, type XmlRpcStruct, type XmlRpcValue } from '../../../xmlrpc/value.js';
import { FEDID_BYTES } from './fedid.js';

/** wrapRequest builds the single parameter of operation `op`. */
export function wrapRequest(op: string, body: XmlRpcStruct): XmlRpcValue[] {
  return [{ [`${op}RequestBody`]: body }];
}

/** unwrapResponse returns the response body of `op`, or throws FEDD_BAD_RESPONSE. */
export function unwrapResponse(op: string, value: XmlRpcValue): XmlRpcStruct {
  const inner = isStruct(value) ? (value[`${op}ResponseBody`] ?? value) : undefined;
  if (!isStruct(inner)) throw new ConvergeError('TERMINAL', 'FEDD_BAD_RESPONSE', `${op}: the reply is not a ${op}ResponseBody struct`, { method: op });
  return inner;
}

/** allocIdStruct is the IDType naming an allocation (40 hex digits) by its fedid. */
export function allocIdStruct(hex: string): XmlRpcStruct {
  return { fedid: Buffer.from(hex, 'hex') };
}

/** readAllocId returns the hex of a response's `allocID`, or throws FEDD_BAD_RESPONSE. */
export function readAllocId(op: string, body: XmlRpcStruct): string {
  const id = body.allocID;
  const fedid = isStruct(id) ? id.fedid : undefined;
  if (!Buffer.isBuffer(fedid) || fedid.length !== FEDID_BYTES) {
    throw new ConvergeError('TERMINAL', 'FEDD_BAD_RESPONSE', `${op}: allocID is not a ${FEDID_BYTES}-byte fedid`, { method: op });
  }
  return fedid.toString('hex');
}

/** structList reads a list member as its structs (absent: none). */
export function structList(value: XmlRpcValue | undefined): XmlRpcStruct[] {
  return Array.isArray(value) ? value.filter(isStruct) : [];
}

/** fedAttrValue reads one `fedAttr` (or topdl `attribute`) value by name. */
export function fedAttrValue(list: XmlRpcValue | undefined, name: string): string | undefined {
  const found = structList(list).find((a) => a.attribute === name);
  return found === undefined ? undefined : String(found.value);
}
