/**
 * IM answers logic errors as `[false, "message"]` with no code (apis/im.md §a), so the error kind
 * is recognised from the exact message texts the real server uses. Unknown messages are TERMINAL:
 * never retried blindly.
 */
import { ConvergeError, type ErrorKind } from '../../errors/converge-error.js';

const RULES: Array<[RegExp, ErrorKind, string]> = [
  [/^Invalid infrastructure ID or access not granted\.$/, 'NOT_FOUND', 'IM_INFRA_NOT_FOUND'],
  [/^Deleted infrastructure\.$/, 'NOT_FOUND', 'IM_INFRA_NOT_FOUND'],
  [/^(Invalid VM ID|Deleted VM\.)$/, 'NOT_FOUND', 'IM_VM_NOT_FOUND'],
  [/^Access to this infrastructure not granted\.$/, 'UNAUTHORIZED', 'IM_ACCESS_DENIED'],
  [/^(No credentials provided for the InfrastructureManager\.|No username nor token for the InfrastructureManager\.|Invalid InfrastructureManager credentials|Invalid username used for the InfrastructureManager\.|Incorrect value in auth item id)/, 'UNAUTHORIZED', 'IM_AUTH'],
  [/^Invalid State to perform this operation\.$/, 'CONFLICT', 'IM_BUSY'],
  [/^Function currently disabled\.$/, 'TRANSIENT', 'IM_READ_ONLY'],
  [/^(No cloud provider available|No auth data for cloud with ID|Cloud provider not supported|Cloud ID .* not found)/, 'INVALID', 'IM_CLOUD'],
  [/(Parse error|Invalid value|Invalid indices|does not have a connection|Invalid system id|Error parsing YAML|Incorrect RADL)/, 'INVALID', 'IM_RADL'],
];

export function imError(method: string, message: string): ConvergeError {
  for (const [pattern, kind, code] of RULES) {
    if (pattern.test(message)) return new ConvergeError(kind, code, `${method}: ${message}`, { method });
  }
  return new ConvergeError('TERMINAL', 'IM_ERROR', `${method}: ${message}`, { method });
}

/** classifyImFault: XML-RPC faults from IM come from outside its logic (bad arguments, marshalling). */
export function classifyImFault(_code: number, faultString: string): ErrorKind {
  return /TypeError|OverflowError/.test(faultString) ? 'INVALID' : 'TERMINAL';
}
