/**
 * XmlRpcValue is what crosses the wire, as the `xmlrpc` package represents it: ints and doubles
 * are numbers, `<i8>` arrives as a decimal string, `<nil/>` is null, base64 is a Buffer and
 * dateTime.iso8601 is a Date. Clients parse these into typed records at the edge.
 */
export type XmlRpcValue =
  | string
  | number
  | boolean
  | null
  | Date
  | Buffer
  | XmlRpcValue[]
  | { [key: string]: XmlRpcValue };

export type XmlRpcStruct = { [key: string]: XmlRpcValue };

export function isStruct(value: XmlRpcValue | undefined): value is XmlRpcStruct {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date) && !Buffer.isBuffer(value);
}
