/**
 * identityRefused turns a backend's UNAUTHORIZED answer during observation into the error that
 * stops a run (DESIGN §5): it names the objects state records on that backend, the backend, and
 * the identity the driver used (never a secret), and says that nothing was changed. Creating
 * anything under an identity that cannot see what state records would make second copies.
 */
import type { Driver } from '../../backends/driver.js';
import { ConvergeError } from '../../errors/converge-error.js';
import type { ObjectRecord } from '../../state/types.js';

const LISTED = 5;

export function identityRefused(driver: Pick<Driver, 'name' | 'identity'>, cause: ConvergeError, records: readonly ObjectRecord[]): ConvergeError {
  const key = typeof cause.details.key === 'string' ? cause.details.key : undefined;
  const keys = key ? [key] : records.filter((r) => !r.orphaned).map((r) => r.key);
  const named = keys.length === 0 ? 'no object is recorded on it yet' : `${key ? 'recorded object' : 'recorded objects'}: ${list(keys)}`;
  const message =
    `backend ${driver.name} refused identity ${driver.identity} (${cause.message}); ${named}. ` +
    'Nothing was created or changed and state is untouched. The credentials are not the ones that manage these objects: ' +
    'fix the credential reference, or `converge state rm KEY` objects that are no longer yours.';
  return new ConvergeError('UNAUTHORIZED', 'IDENTITY_REFUSED', message, { backend: driver.name, ...(key ? { key } : {}), cause: cause.code }, { cause });
}

function list(keys: readonly string[]): string {
  const shown = keys.slice(0, LISTED).join(', ');
  return keys.length > LISTED ? `${shown} and ${keys.length - LISTED} more` : shown;
}
