/**
 * adoptVessels imports Seattle vessels acquired outside converge into a VesselSet. The
 * Clearinghouse API has no tags, so nothing is written to the backend: the handles are checked
 * to be held by the configured account (get_resource_info) and are recorded in state, exactly as
 * an acquire would record them. `id` is a comma-separated list of handles, each optionally
 * `handle=type`; without a type, the VesselSet's only vessel type is assumed. Handles another
 * VesselSet records are refused.
 */
import { ConvergeError } from '../../errors/converge-error.js';
import { importKeyMismatch, importNotFound } from '../adopt-errors.js';
import type { AdoptContext, AdoptResult, DesiredObject } from '../driver.js';
import { VESSEL_TYPES, type SeattleApi, type VesselType } from './seattle-api.js';
import { recordedHandles, type VesselSetSpecNormalised } from './vessel-spec.js';

export async function adoptVessels(api: SeattleApi, backend: string, desired: DesiredObject, id: string, ctx: AdoptContext): Promise<AdoptResult> {
  const wanted = parseHandles(backend, desired, id);
  const held = new Set((await api.resourceInfo(ctx.signal)).map((v) => v.handle));
  const missing = [...wanted.keys()].filter((h) => !held.has(h));
  if (missing.length > 0) throw importNotFound(backend, `vessel(s) ${missing.join(', ')}`, `not held by Seattle account ${JSON.stringify(api.username)}`);
  for (const record of ctx.records) {
    if (record.key === desired.key || record.orphaned) continue;
    const taken = Object.keys(recordedHandles(record.extra)).find((h) => wanted.has(h));
    if (taken) throw importKeyMismatch(backend, `vessel ${taken}`, record.key);
  }
  const mine = ctx.records.find((r) => r.key === desired.key);
  const handles = { ...recordedHandles(mine?.extra), ...Object.fromEntries(wanted) };
  return {
    ids: {},
    extra: { handles, account: api.username },
    note: `${wanted.size} vessel(s) held by ${JSON.stringify(api.username)} recorded in state (Seattle has no tags to mark them)`,
  };
}

function parseHandles(backend: string, desired: DesiredObject, id: string): Map<string, VesselType> {
  const counts = (desired.spec as unknown as VesselSetSpecNormalised).vessels;
  const types = (Object.keys(counts) as VesselType[]).filter((t) => (counts[t] ?? 0) > 0);
  const handles = new Map<string, VesselType>();
  for (const part of id.split(',').map((p) => p.trim()).filter((p) => p !== '')) {
    const [handle, type] = part.split('=') as [string, string | undefined];
    if (type !== undefined && !VESSEL_TYPES.includes(type as VesselType)) {
      throw new ConvergeError('INVALID', 'USAGE', `import ${desired.key}: ${part}: vessel type must be one of ${VESSEL_TYPES.join(', ')}`);
    }
    if (type === undefined && types.length !== 1) {
      throw new ConvergeError('INVALID', 'USAGE', `import ${desired.key}: ${handle}: the VesselSet asks for several vessel types (${types.join(', ')}); write handle=type`);
    }
    handles.set(handle, (type ?? types[0]) as VesselType);
  }
  if (handles.size === 0) throw new ConvergeError('INVALID', 'USAGE', `import ${desired.key}: give the vessel handles, comma-separated (backend ${backend})`);
  return handles;
}
