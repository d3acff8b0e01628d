/**
 * The errors `adopt` (`converge import`) ends with, shared by the drivers so that the codes and
 * wording agree across backends (docs/ERRORS.md).
 */
import { ConvergeError } from '../errors/converge-error.js';

/** importNotFound: the backend says no object has this id (or this account holds none). */
export function importNotFound(backend: string, what: string, evidence: string): ConvergeError {
  return new ConvergeError('NOT_FOUND', 'IMPORT_NOT_FOUND', `backend ${backend}: ${what} does not exist (${evidence}); nothing was imported`);
}

/** importOtherOwner: the object carries converge's marker of another owner; never adopted. */
export function importOtherOwner(backend: string, what: string, owner: string): ConvergeError {
  return new ConvergeError('TERMINAL', 'OTHER_OWNER', `backend ${backend}: ${what} is managed by another converge owner (${JSON.stringify(owner)}); it is never adopted`);
}

/** importKeyMismatch: the object is already this owner's, under another key. */
export function importKeyMismatch(backend: string, what: string, key: string): ConvergeError {
  return new ConvergeError('CONFLICT', 'IMPORT_KEY_MISMATCH', `backend ${backend}: ${what} is already managed by converge as ${key}; use \`converge state mv\` to rename it`);
}
