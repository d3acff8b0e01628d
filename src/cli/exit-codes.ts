/**
 * Exit codes (DESIGN §7). Scripts and CI rely on them; they never change meaning.
 */
import { ConvergeError } from '../errors/converge-error.js';

export const EXIT = {
  ok: 0,
  failure: 1,
  changes: 2,
  partial: 3,
  invalid: 4,
  locked: 5,
  blocked: 6,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** exitCodeForError maps an error that ended a command to its exit code. */
export function exitCodeForError(error: unknown): ExitCode {
  if (!(error instanceof ConvergeError)) return EXIT.failure;
  if (error.code === 'STATE_LOCKED') return EXIT.locked;
  if (error.code === 'STALE_PLAN' || error.code === 'MAX_DESTROY' || error.code === 'DELETION_PROTECTED') return EXIT.blocked;
  if (error.code === 'USAGE' || error.code === 'MANIFESTS_INVALID' || error.code === 'PLAN_CHECK_FAILED' || error.code === 'PLAN_FILE_INVALID' || error.code === 'CREDENTIAL_UNREADABLE') return EXIT.invalid;
  return EXIT.failure;
}
