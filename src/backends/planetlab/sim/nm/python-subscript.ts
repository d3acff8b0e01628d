/**
 * Python's `value[key]` on decoded XML-RPC values, with Python's exceptions: the Node Manager's
 * Ticket reads `data['slivers'][0]['name']` and its error text is what the client sees.
 */
import { isStruct, type XmlRpcValue } from '../../../../xmlrpc/value.js';
import { pyRepr, pyTypeName } from '../python.js';
import { PyError } from './faults.js';

/** subscript returns value[key] or throws the PyError Python would raise. */
export function subscript(value: XmlRpcValue | undefined, key: string | number): XmlRpcValue {
  if (isStruct(value)) {
    if (typeof key !== 'string' || !Object.hasOwn(value, key)) throw new PyError(pyRepr(key));
    return value[key] as XmlRpcValue;
  }
  if (Array.isArray(value)) {
    if (typeof key !== 'number') throw new PyError('list indices must be integers or slices, not str');
    if (key >= value.length) throw new PyError('list index out of range');
    return value[key] as XmlRpcValue;
  }
  if (typeof value === 'string') throw new PyError('string indices must be integers');
  throw new PyError(`'${pyTypeName(value)}' object is not subscriptable`);
}
