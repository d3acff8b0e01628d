/**
 * Conversions between XML-RPC values and the JSON kept in the state file. Only what topdl can
 * hold is supported: base64 (a segment element's fedid) becomes `{ $base64 }`; dates do not
 * occur in a topdldescription.
 */
import { isStruct, type XmlRpcValue } from '../../../../xmlrpc/value.js';
import type { JsonValue } from './types.js';

/** toJsonValue converts an XML-RPC value for storage. */
export function toJsonValue(value: XmlRpcValue): JsonValue {
  if (Buffer.isBuffer(value)) return { $base64: value.toString('base64') };
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (isStruct(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonValue(v)]));
  return value;
}

/** toXmlRpcValue converts stored JSON back (a deep copy, safe to change). */
export function toXmlRpcValue(value: JsonValue): XmlRpcValue {
  if (Array.isArray(value)) return value.map(toXmlRpcValue);
  if (value !== null && typeof value === 'object') {
    const b64 = value.$base64;
    if (typeof b64 === 'string' && Object.keys(value).length === 1) return Buffer.from(b64, 'base64');
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toXmlRpcValue(v)]));
  }
  return value;
}
