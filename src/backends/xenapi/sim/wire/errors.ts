/**
 * XenApiError is what every simulator handler throws for an API-level failure: the dispatcher
 * turns it into xapi's `{Status: "Failure", ErrorDescription: [code, ...params]}` value (never
 * an XML-RPC `<fault>`). Parameters are strings, as xapi sends them.
 */
export class XenApiError extends Error {
  readonly code: string;
  readonly params: string[];

  constructor(code: string, params: readonly string[] = []) {
    super(`${code}(${params.join(', ')})`);
    this.name = 'XenApiError';
    this.code = code;
    this.params = [...params];
  }

  /** description is the ErrorDescription array: `[code, ...params]`. */
  get description(): string[] {
    return [this.code, ...this.params];
  }
}

export const NULL_REF = 'OpaqueRef:NULL';

export function handleInvalid(cls: string, ref: string): XenApiError {
  return new XenApiError('HANDLE_INVALID', [cls, ref]);
}

export function uuidInvalid(cls: string, uuid: string): XenApiError {
  return new XenApiError('UUID_INVALID', [cls, uuid]);
}

/** internalError mirrors xapi's catch-all for unmarshalling problems: `INTERNAL_ERROR [printed exception]`. */
export function internalError(message: string): XenApiError {
  return new XenApiError('INTERNAL_ERROR', [message]);
}

export function operationNotAllowed(reason: string): XenApiError {
  return new XenApiError('OPERATION_NOT_ALLOWED', [reason]);
}
