/**
 * fedd faults (apis/fedd.md §2) as converge errors. fedd's XML-RPC dispatcher sends the code's
 * NAME as faultCode ("Access Denied"), the description as faultString; an unknown method is the
 * int 100. Retry guidance: connection, federant, internal and partial-embedding failures may
 * succeed later (TRANSIENT); access, badly formed requests and server configuration never do.
 * A name fedd does not define is read as `Internal Error`, as fedd's own client does.
 */
import type { ErrorKind } from '../../../errors/converge-error.js';

/** FeddFaultName is the closed set of fedd error names. */
export type FeddFaultName =
  | 'Access Denied'
  | 'Protocol Error'
  | 'Badly Formed Request'
  | 'Server Configuration Error'
  | 'Internal Error'
  | 'Partial Embedding'
  | 'Federant Error'
  | 'Connection Error';

/** FEDD_FAULTS gives each name its error kind and converge code. */
export const FEDD_FAULTS: Readonly<Record<FeddFaultName, { kind: ErrorKind; code: string }>> = {
  'Access Denied': { kind: 'UNAUTHORIZED', code: 'FEDD_ACCESS_DENIED' },
  'Protocol Error': { kind: 'TERMINAL', code: 'FEDD_PROTOCOL_ERROR' },
  'Badly Formed Request': { kind: 'INVALID', code: 'FEDD_BAD_REQUEST' },
  'Server Configuration Error': { kind: 'TERMINAL', code: 'FEDD_SERVER_CONFIG' },
  'Internal Error': { kind: 'TRANSIENT', code: 'FEDD_INTERNAL_ERROR' },
  'Partial Embedding': { kind: 'TRANSIENT', code: 'FEDD_PARTIAL_EMBEDDING' },
  'Federant Error': { kind: 'TRANSIENT', code: 'FEDD_FEDERANT_ERROR' },
  'Connection Error': { kind: 'TRANSIENT', code: 'FEDD_CONNECTION_ERROR' },
};

/** UNKNOWN_METHOD_CODE is the int faultCode of fedd's "Unknown method: X". */
export const UNKNOWN_METHOD_CODE = 100;

/** feddFaultName normalises a fault's code to a fedd name (unknown names read as Internal Error). */
export function feddFaultName(faultCode: number, faultName: string | undefined): FeddFaultName | undefined {
  if (faultName === undefined) return faultCode === UNKNOWN_METHOD_CODE ? undefined : 'Internal Error';
  return Object.hasOwn(FEDD_FAULTS, faultName) ? (faultName as FeddFaultName) : 'Internal Error';
}

/** classifyFeddFault is the XML-RPC client's fault classifier for access controllers. */
export function classifyFeddFault(faultCode: number, _faultString: string, faultName?: string): ErrorKind {
  const name = feddFaultName(faultCode, faultName);
  return name ? FEDD_FAULTS[name].kind : 'TERMINAL';
}
