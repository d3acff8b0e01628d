/**
 * The Clearinghouse's fault codes and texts (seattle.md §3, §4). Texts marked "documented" are
 * quoted in the notes; the others are this simulator's best reconstruction and may differ from
 * the real server in wording, never in code. Clients should branch on the code only.
 */
import { XmlRpcFault } from '../../../../xmlrpc/fault.js';

/** FaultCode: 1 unknown method, 100 internal, 101 auth, 102 invalid request, 103 credits, 105 unable to acquire. */
export type SeattleFaultCode = 1 | 100 | 101 | 102 | 103 | 105;

export const FAULT_UNKNOWN_METHOD = 1;
export const FAULT_INTERNAL = 100;
export const FAULT_AUTH = 101;
export const FAULT_INVALID_REQUEST = 102;
export const FAULT_NOT_ENOUGH_CREDITS = 103;
export const FAULT_UNABLE_TO_ACQUIRE = 105;

// Documented texts.
export const INTERNAL_ERROR_TEXT = 'Internal error while handling the xmlrpc request.';
export const AUTH_FAILED_TEXT = 'User auth failed.';
export const AUTH_DICT_TEXT = "Auth dict must contain both a 'username' and an 'api_key'.";
export const ACQUIRE_CREDITS_TEXT = 'You do not have enough vessel credits to acquire the number of vessels requested.';
export const RENEW_CREDITS_PREFIX = 'Vessels cannot be renewed because you are currently over your vessel credit limit: ';
export const UNABLE_TO_ACQUIRE_PREFIX = 'Unable to fulfill vessel acquire request at this given time. Details: ';
export const EMPTY_HANDLE_LIST_TEXT = 'The list of vessels cannot be empty.';
// Reconstructed texts.
export const PWAUTH_DICT_TEXT = "Auth dict must contain both a 'username' and a 'password'.";
export const HANDLE_LIST_TYPE_TEXT = 'Invalid data type for handle list.';
export const UNKNOWN_USERNAME_TEXT = 'Username does not exist.';
export const INVALID_PUBLIC_KEY_TEXT = 'Invalid public key string.';

export const fault = (code: SeattleFaultCode, text: string): XmlRpcFault => new XmlRpcFault(code, text);

export const internalError = (): XmlRpcFault => fault(FAULT_INTERNAL, INTERNAL_ERROR_TEXT);

export const invalidRequest = (text: string): XmlRpcFault => fault(FAULT_INVALID_REQUEST, text);

/** unknownMethod is what Python's SimpleXMLRPCDispatcher sends when the method lookup raises. */
export const unknownMethod = (method: string): XmlRpcFault =>
  fault(FAULT_UNKNOWN_METHOD, `<class 'clearinghouse.common.exceptions.InvalidRequestError'>:The requested method '${method}' doesn't exist.`);

export const unableToAcquire = (details: string): XmlRpcFault => fault(FAULT_UNABLE_TO_ACQUIRE, UNABLE_TO_ACQUIRE_PREFIX + details);

/** overCreditLimit is renew's 103; the detail follows maindb's require_user_can_acquire_resources. */
export const overCreditLimit = (held: number, max: number): XmlRpcFault =>
  fault(FAULT_NOT_ENOUGH_CREDITS, `${RENEW_CREDITS_PREFIX}Requested 0 vessels, already acquired ${held}, total vessel credits ${max}`);
