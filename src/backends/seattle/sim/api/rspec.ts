/**
 * parseRspec validates acquire_resources' second argument (seattle.md §4), in the server's order:
 * not a struct → missing rspec_type → missing number_of_nodes → wrong types → bad values, each 102.
 * XML-RPC `<int>` and an integral `<double>` decode alike here, so only a fractional double is
 * told apart from an int; a boolean is refused although Python's bool is an int.
 */
import { isStruct, type XmlRpcValue } from '../../../../xmlrpc/value.js';
import { RSPEC_TYPES, type RspecType } from '../model/types.js';
import { invalidRequest } from './faults.js';

export interface Rspec {
  type: RspecType;
  count: number;
}

export function parseRspec(value: XmlRpcValue | undefined): Rspec {
  if (!isStruct(value)) throw invalidRequest('rspec is an invalid data type.');
  for (const key of ['rspec_type', 'number_of_nodes']) {
    if (value[key] === undefined) throw invalidRequest(`rspec is missing ${key}`);
  }
  const type = value.rspec_type;
  const count = value.number_of_nodes;
  if (typeof type !== 'string' || typeof count !== 'number' || !Number.isInteger(count)) {
    throw invalidRequest('rspec has invalid data types.');
  }
  if (!(RSPEC_TYPES as readonly string[]).includes(type) || count < 1) throw invalidRequest('rspec has invalid values.');
  return { type: type as RspecType, count };
}
