/**
 * XenAPI answers API failures as values, `{Status: "Failure", ErrorDescription: [CODE, …params]}`
 * (xenapi.md §1), never as XML-RPC faults. xenFailure maps one to a ConvergeError with the stable
 * code `XEN_<CODE>` and the kind the engine acts on. Unknown codes are TERMINAL: never retried
 * blindly. Transport failures keep the kinds the XML-RPC client gives them (TRANSIENT).
 */
import { ConvergeError, type ErrorKind } from '../../../errors/converge-error.js';

const KINDS: Record<string, ErrorKind> = {
  HANDLE_INVALID: 'NOT_FOUND',
  UUID_INVALID: 'NOT_FOUND',
  SESSION_INVALID: 'UNAUTHORIZED',
  SESSION_AUTHENTICATION_FAILED: 'UNAUTHORIZED',
  SESSION_NOT_REGISTERED: 'UNAUTHORIZED',
  RBAC_PERMISSION_DENIED: 'UNAUTHORIZED',
  OTHER_OPERATION_IN_PROGRESS: 'CONFLICT',
  VM_BAD_POWER_STATE: 'CONFLICT',
  DEVICE_ALREADY_ATTACHED: 'CONFLICT',
  DEVICE_ALREADY_DETACHED: 'CONFLICT',
  DEVICE_ALREADY_EXISTS: 'CONFLICT',
  MAP_DUPLICATE_KEY: 'CONFLICT',
  VDI_IN_USE: 'CONFLICT',
  NETWORK_CONTAINS_VIF: 'CONFLICT',
  TASK_CANCELLED: 'CONFLICT',
  EVENTS_LOST: 'TRANSIENT',
  TOO_MANY_PENDING_TASKS: 'TRANSIENT',
  HOST_IS_SLAVE: 'CONFLICT',
  MESSAGE_METHOD_UNKNOWN: 'INVALID',
  MESSAGE_PARAMETER_COUNT_MISMATCH: 'INVALID',
  INTERNAL_ERROR: 'INVALID',
  INVALID_VALUE: 'INVALID',
  VALUE_NOT_SUPPORTED: 'INVALID',
  MEMORY_CONSTRAINT_VIOLATION: 'INVALID',
  MEMORY_CONSTRAINT_VIOLATION_ORDER: 'INVALID',
  MEMORY_CONSTRAINT_VIOLATION_MAXPIN: 'INVALID',
  VM_NO_VCPUS: 'INVALID',
  VM_TOOMANY_VCPUS: 'INVALID',
  VM_MEMORY_SIZE_TOO_LOW: 'INVALID',
  VM_IS_TEMPLATE: 'INVALID',
  ONLY_PROVISION_TEMPLATE: 'INVALID',
  INVALID_DEVICE: 'INVALID',
  MAC_INVALID: 'INVALID',
  LICENCE_RESTRICTION: 'INVALID',
  SR_FULL: 'INVALID',
};

/** XenFailure is a Failure envelope; `xenCode` and `params` are kept for drivers to branch on. */
export class XenFailure extends ConvergeError {
  readonly xenCode: string;
  readonly params: string[];

  constructor(method: string, description: readonly string[]) {
    const [code = 'UNKNOWN', ...params] = description.map(String);
    const shown = params.length > 0 ? ` [${params.join(', ')}]` : '';
    super(KINDS[code] ?? 'TERMINAL', `XEN_${code.replace(/[^A-Za-z0-9_]/g, '_').toUpperCase()}`, `${method}: ${code}${shown}`, { method });
    this.xenCode = code;
    this.params = params;
  }
}

/** isXenCode tells whether `error` is a XenAPI failure with one of `codes`. */
export function isXenCode(error: unknown, ...codes: string[]): error is XenFailure {
  return error instanceof XenFailure && codes.includes(error.xenCode);
}

/** badReply: the server answered something that is not xapi's envelope or record shape. */
export function badReply(method: string, what: string): ConvergeError {
  return new ConvergeError('TERMINAL', 'XEN_BAD_REPLY', `${method}: ${what}`, { method });
}
