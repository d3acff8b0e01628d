/**
 * fedd's error codes (fedd.md §2). fedd's XML-RPC dispatcher turns a `service_error` into a
 * Fault whose faultCode is the code's NAME string ("Access Denied"), not its number, and whose
 * faultString is the free-text description. An unknown method is the one int code: 100.
 */
import { XmlRpcFault } from '../../../../xmlrpc/fault.js';

/** FeddErrorName is the closed set of fedd error names, as they travel in faultCode. */
export type FeddErrorName =
  | 'Access Denied'
  | 'Protocol Error'
  | 'Badly Formed Request'
  | 'Server Configuration Error'
  | 'Internal Error'
  | 'Partial Embedding'
  | 'Federant Error'
  | 'Connection Error';

/** FEDD_ERROR_CODES maps each name to fedd's number (the SOAP `faultType.code`). */
export const FEDD_ERROR_CODES: Readonly<Record<FeddErrorName, number>> = {
  'Access Denied': 1,
  'Protocol Error': 2,
  'Badly Formed Request': 3,
  'Server Configuration Error': 4,
  'Internal Error': 5,
  'Partial Embedding': 6,
  'Federant Error': 7,
  'Connection Error': 8,
};

/** UNKNOWN_METHOD_CODE is the int faultCode of "Unknown method: X". */
export const UNKNOWN_METHOD_CODE = 100;

/** isFeddErrorName tells whether a string is one of the eight names. */
export function isFeddErrorName(value: unknown): value is FeddErrorName {
  return typeof value === 'string' && Object.hasOwn(FEDD_ERROR_CODES, value);
}

/** feddFault builds the fault a handler throws for a service_error. */
export function feddFault(name: FeddErrorName, description: string): XmlRpcFault {
  return new XmlRpcFault(name, description);
}

export const accessDenied = (description: string): XmlRpcFault => feddFault('Access Denied', description);
export const badRequest = (description: string): XmlRpcFault => feddFault('Badly Formed Request', description);
export const federantError = (description: string): XmlRpcFault => feddFault('Federant Error', description);
export const internalError = (description: string): XmlRpcFault => feddFault('Internal Error', description);

/** unknownMethod is the dispatcher's answer to a method it does not serve. */
export const unknownMethod = (method: string): XmlRpcFault => new XmlRpcFault(UNKNOWN_METHOD_CODE, `Unknown method: ${method}`);
