/**
 * PartialResultError is an apply that failed after it had already changed something the state
 * must remember (e.g. vessels acquired before a later call failed). The executor records
 * `extra` for the object even though the action failed, so nothing acquired is ever forgotten.
 */
import { ConvergeError, asConvergeError } from '../errors/converge-error.js';

export class PartialResultError extends ConvergeError {
  readonly extra: Record<string, unknown>;

  constructor(cause: unknown, extra: Record<string, unknown>) {
    const error = asConvergeError(cause);
    super(error.kind, error.code, error.message, error.details, { cause });
    this.extra = extra;
  }
}
