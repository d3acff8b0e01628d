/**
 * lookupIm reads by id the infrastructures state records but the marker-filtered list did not
 * return (DESIGN §5: absence must be proven). Only IM's `Invalid infrastructure ID or access not
 * granted.` (or `Deleted infrastructure.`) means gone; `Access to this infrastructure not
 * granted.` means it exists under another identity, which is UNAUTHORIZED: an IM without a user
 * database takes any username/password pair as a new identity, so a changed password silently
 * lists nothing (apis/im.md §g), and creating would make a second copy.
 */
import { isKind } from '../../errors/converge-error.js';
import { mapLimit } from '../../engine/semaphore.js';
import type { ObjectRecord } from '../../state/types.js';
import type { LookupResult } from '../driver.js';
import type { ImApi } from './im-api.js';
import { observeOne } from './im-observe.js';

export async function lookupIm(api: ImApi, backend: string, owner: string, records: readonly ObjectRecord[], parallel: number, signal: AbortSignal): Promise<LookupResult[]> {
  return mapLimit([...records], parallel, async (record): Promise<LookupResult> => {
    const infId = record.ids.infId;
    if (!infId) return { key: record.key, presence: 'gone', evidence: 'no infrastructure id was recorded' };
    try {
      const result = await observeOne(api, backend, owner, infId, signal);
      if (result.found === 'ours') return { key: record.key, presence: 'present', objects: [result.object] };
      return { key: record.key, presence: 'gone', evidence: result.evidence };
    } catch (error) {
      if (isKind(error, 'UNAUTHORIZED')) {
        error.details.key = record.key;
        throw error;
      }
      if (isKind(error, 'NOT_FOUND')) return { key: record.key, presence: 'gone', evidence: error.message };
      throw error;
    }
  });
}
