/**
 * Node Manager faults (planetlab.md §B3, §C) as typed errors. NM lag is normal: right after a
 * change at PLC a node answers from what it learned at its last poll (every 10–15 minutes), so
 * 102 "must be a sliver name" (the slice has not reached the node) and 108 (its delegation has
 * not) are CONFLICT, retried after the node's next poll, never failures of the object. A fault
 * 1 comes from the node's ssh forwarder (its Node Manager is not answering): that node's
 * problem, TRANSIENT.
 *
 * | fault                                   | kind      | code                 |
 * |-----------------------------------------|-----------|----------------------|
 * | 102 the first argument must be a sliver | CONFLICT  | NM_UNKNOWN_SLIVER    |
 * | 108 <caller>: Permission denied.        | CONFLICT  | NM_NOT_DELEGATED     |
 * | 104 … Ticket error …                    | INVALID   | NM_TICKET_REFUSED    |
 * | 104 other (e.g. not a delegated sliver) | INVALID   | NM_CALL_FAILED       |
 * | 1 (the forwarder's own failure)         | TRANSIENT | NM_UNREACHABLE       |
 * | 100, 101, other                         | TERMINAL  | NM_FAULT             |
 */
import { ConvergeError, type ErrorKind } from '../../../errors/converge-error.js';

interface Classified {
  kind: ErrorKind;
  code: string;
  explain: string;
}

export function classifyNmFault(faultCode: number, faultString: string): Classified {
  switch (faultCode) {
    case 102:
      if (/Ticket error/.test(faultString)) return { kind: 'INVALID', code: 'NM_TICKET_REFUSED', explain: 'the node refused the ticket' };
      return { kind: 'CONFLICT', code: 'NM_UNKNOWN_SLIVER', explain: 'the node has not received the slice from PLC yet (it will at its next poll)' };
    case 108:
      return { kind: 'CONFLICT', code: 'NM_NOT_DELEGATED', explain: "the node has not received the slice's delegation to this controller yet (it will at its next poll)" };
    case 104:
      if (/Ticket error/.test(faultString)) return { kind: 'INVALID', code: 'NM_TICKET_REFUSED', explain: 'the node refused the ticket' };
      return { kind: 'INVALID', code: 'NM_CALL_FAILED', explain: 'the Node Manager refused the call' };
    case 1:
      return { kind: 'TRANSIENT', code: 'NM_UNREACHABLE', explain: "the node's forwarder cannot reach its Node Manager" };
    default:
      return { kind: 'TERMINAL', code: 'NM_FAULT', explain: 'the Node Manager answered with a fault' };
  }
}

/** nmFaultError is the typed error of one NM fault; `host` names the node. */
export function nmFaultError(method: string, host: string, faultCode: number, faultString: string): ConvergeError {
  const { kind, code, explain } = classifyNmFault(faultCode, faultString);
  return new ConvergeError(kind, code, `${method} on ${host}: ${explain} (NM fault ${faultCode}: ${faultString})`, { method, host, faultCode });
}

/** isNodeLag: the node has not caught up with PLC yet (102 / 108); waiting for its poll fixes it. */
export function isNodeLag(error: unknown): boolean {
  return error instanceof ConvergeError && (error.code === 'NM_UNKNOWN_SLIVER' || error.code === 'NM_NOT_DELEGATED');
}
