/**
 * lookupRecords reads by uuid the objects state records that the batched observe did not return
 * (DESIGN §5: absence must be proven). xapi answers `UUID_INVALID` (or `HANDLE_INVALID`) for an
 * id that does not exist: that, and only that, is gone. An object that exists but carries no
 * marker of this owner is gone *for converge* (someone took it over) and says so. A permission
 * failure (RBAC_PERMISSION_DENIED) is UNAUTHORIZED: the session is not the identity that made it.
 */
import { ConvergeError, isKind } from '../../../errors/converge-error.js';
import type { ObjectRecord } from '../../../state/types.js';
import type { LookupResult } from '../../driver.js';
import type { XenApi } from '../api/xen-api.js';
import { isXenCode } from '../api/errors.js';
import { parseKey } from '../xen-spec.js';

const GONE = ['UUID_INVALID', 'HANDLE_INVALID'];

export async function lookupRecords(api: XenApi, records: readonly ObjectRecord[], signal: AbortSignal): Promise<LookupResult[]> {
  return Promise.all(records.map((record) => lookupOne(api, record, signal)));
}

async function lookupOne(api: XenApi, record: ObjectRecord, signal: AbortSignal): Promise<LookupResult> {
  const uuid = record.ids.uuid;
  if (!uuid) return { key: record.key, presence: 'gone', evidence: 'no uuid was recorded' };
  const cls = parseKey(record.key)?.type === 'network' ? 'network' : 'VM';
  try {
    const ref = await api.session.read(`${cls}.get_by_uuid`, [uuid], { signal });
    const otherConfig = await api.session.read(`${cls}.get_other_config`, [String(ref)], { signal });
    const external = record.ids.external === 'true' ? ' (an existing network converge only used)' : '';
    return { key: record.key, presence: 'gone', evidence: `${cls} ${uuid} exists but is not among this owner's objects${external}: ${describeMarker(otherConfig)}` };
  } catch (error) {
    if (isXenCode(error, ...GONE)) return { key: record.key, presence: 'gone', evidence: `${cls}.get_by_uuid ${uuid}: ${GONE.find((c) => isXenCode(error, c))}` };
    if (isXenCode(error, 'RBAC_PERMISSION_DENIED') || isKind(error, 'UNAUTHORIZED')) {
      throw new ConvergeError('UNAUTHORIZED', 'XEN_PERMISSION_DENIED', `${cls}.get_by_uuid ${uuid}: ${(error as Error).message}`, { key: record.key });
    }
    throw error;
  }
}

function describeMarker(otherConfig: unknown): string {
  const config = (otherConfig ?? {}) as Record<string, unknown>;
  const owner = config['converge.owner'];
  return typeof owner === 'string' ? `its marker names owner ${owner}` : 'it carries no converge marker';
}
