/**
 * ErrorKind is the closed set of failure classes the engine acts on (DESIGN §3):
 * TRANSIENT is retried with capped backoff; CONFLICT means someone else changed the thing
 * (re-observe, re-plan); NOT_FOUND means the object is gone; UNAUTHORIZED and INVALID wait for
 * the user to change credentials or the manifest; TERMINAL is everything that retrying won't fix.
 */
export type ErrorKind = 'TRANSIENT' | 'CONFLICT' | 'NOT_FOUND' | 'UNAUTHORIZED' | 'INVALID' | 'TERMINAL';

/** ErrorDetails carries machine-readable context; it must never hold a secret. */
export type ErrorDetails = Record<string, string | number | boolean | null | undefined>;

/**
 * ConvergeError is the one error type that crosses module boundaries. `code` is a stable,
 * documented string (docs/ERRORS.md) such as `XMLRPC_TIMEOUT` or `IM_INFRA_NOT_FOUND`; `kind`
 * decides what the engine does with it. Messages are for humans and are scrubbed of secrets by
 * whoever builds them (clients never put request bodies into messages).
 */
export class ConvergeError extends Error {
  readonly kind: ErrorKind;
  readonly code: string;
  readonly details: ErrorDetails;

  constructor(kind: ErrorKind, code: string, message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConvergeError';
    this.kind = kind;
    this.code = code;
    this.details = details;
  }

  /** retryable is true only for failures that may succeed if the same call is made again later. */
  get retryable(): boolean {
    return this.kind === 'TRANSIENT';
  }

  toJSON(): { kind: ErrorKind; code: string; message: string; details: ErrorDetails } {
    return { kind: this.kind, code: this.code, message: this.message, details: this.details };
  }
}

/** asConvergeError wraps anything thrown into a ConvergeError without losing an existing kind. */
export function asConvergeError(error: unknown, fallbackCode = 'INTERNAL'): ConvergeError {
  if (error instanceof ConvergeError) return error;
  if (error instanceof Error && error.name === 'AbortError') {
    return new ConvergeError('TERMINAL', 'ABORTED', 'operation aborted', {}, { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ConvergeError('TERMINAL', fallbackCode, message, {}, { cause: error });
}

/** isKind narrows an unknown error to a ConvergeError of one of the given kinds. */
export function isKind(error: unknown, ...kinds: ErrorKind[]): error is ConvergeError {
  return error instanceof ConvergeError && kinds.includes(error.kind);
}
