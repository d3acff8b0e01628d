/**
 * PLC's faults (planetlab.md §A2) as typed errors. Every fault string is
 * `"<caller>: <Method>: <text>"`; the text decides the code where PLC's own code is too coarse
 * (102 covers both "No such slice" and every refused argument).
 *
 * | fault                              | kind         | code                  |
 * |------------------------------------|--------------|-----------------------|
 * | 102 … No such slice                | NOT_FOUND    | PLC_NO_SUCH_SLICE     |
 * | 102 … Slice name already in use    | INVALID      | PLC_NAME_IN_USE       |
 * | 102 other (renewal refused, …)     | INVALID      | PLC_INVALID_ARGUMENT  |
 * | 103 authentication                 | UNAUTHORIZED | PLC_AUTH              |
 * | 108 permission denied              | UNAUTHORIZED | PLC_PERMISSION_DENIED |
 * | 106 database error                 | TRANSIENT    | PLC_DB_ERROR          |
 * | 100, 101, 109, 111, other          | TERMINAL     | PLC_FAULT             |
 *
 * INVALID refusals (a renewal beyond 8 weeks, without url or description, a site that may not
 * create or renew slices) are never retried: they wait for the manifest or the site to change.
 */
import { ConvergeError, type ErrorKind } from '../../../errors/converge-error.js';

export interface PlcFaultInfo {
  faultCode: number;
  faultString: string;
}

interface Classified {
  kind: ErrorKind;
  code: string;
}

export function classifyPlcFault(faultCode: number, faultString: string): Classified {
  switch (faultCode) {
    case 102:
      if (/No such slice/.test(faultString)) return { kind: 'NOT_FOUND', code: 'PLC_NO_SUCH_SLICE' };
      if (/already in use/.test(faultString)) return { kind: 'INVALID', code: 'PLC_NAME_IN_USE' };
      return { kind: 'INVALID', code: 'PLC_INVALID_ARGUMENT' };
    case 103:
      return { kind: 'UNAUTHORIZED', code: 'PLC_AUTH' };
    case 108:
      return { kind: 'UNAUTHORIZED', code: 'PLC_PERMISSION_DENIED' };
    case 106:
      return { kind: 'TRANSIENT', code: 'PLC_DB_ERROR' };
    default:
      return { kind: 'TERMINAL', code: 'PLC_FAULT' };
  }
}

/** plcFaultError is the typed error of one fault answered to `method`. */
export function plcFaultError(method: string, fault: PlcFaultInfo): ConvergeError {
  const { kind, code } = classifyPlcFault(fault.faultCode, fault.faultString);
  return new ConvergeError(kind, code, `${method}: PLC fault ${fault.faultCode}: ${fault.faultString}`, { method, faultCode: fault.faultCode });
}

/** isAuthFault: 103 means the session expired or was dropped (or the password is wrong). */
export function isAuthFault(error: unknown): boolean {
  return error instanceof ConvergeError && error.code === 'PLC_AUTH';
}
