/**
 * Vessel handles are long (a node's RSA public key plus a vessel name), so the sets of handles
 * recorded with acquire intents are kept as short digests: enough to tell handles apart, small
 * enough for the journal.
 */
import { createHash } from 'node:crypto';

export function handleDigest(handle: string): string {
  return createHash('sha256').update(handle).digest('hex').slice(0, 16);
}
