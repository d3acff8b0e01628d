/**
 * adoptIm imports an IM infrastructure created outside converge: its RADL is read by id; an
 * infrastructure that carries converge's marker of another owner is refused, one already marked
 * for this key is returned as is; otherwise the marker is written into the RADL's `description`
 * with an AddResource that deploys nothing (IM then replaces the stored description, keeps the
 * referenced network as it is, and launches no VM). An existing description of the infrastructure is replaced by converge's.
 */
import { isKind } from '../../errors/converge-error.js';
import { importKeyMismatch, importNotFound, importOtherOwner } from '../adopt-errors.js';
import type { AdoptContext, AdoptResult, DesiredObject } from '../driver.js';
import type { ImApi } from './im-api.js';
import { feature, readRadl } from './radl-read.js';
import { MARKER_ID, markerRadl } from './radl-write.js';

export async function adoptIm(api: ImApi, backend: string, desired: DesiredObject, infId: string, ctx: AdoptContext): Promise<AdoptResult> {
  const what = `infrastructure ${infId}`;
  let text: string;
  try {
    text = await api.radl(infId, ctx.signal);
  } catch (error) {
    if (isKind(error, 'NOT_FOUND')) throw importNotFound(backend, what, error.message);
    throw error;
  }
  const sentences = readRadl(text);
  const marker = sentences.find((s) => s.keyword === 'description' && s.id === MARKER_ID);
  const owner = marker ? String(feature(marker, 'converge.owner')?.value ?? '') : undefined;
  const key = marker ? String(feature(marker, 'converge.key')?.value ?? '') : undefined;
  if (owner !== undefined && owner !== '' && owner !== ctx.owner) throw importOtherOwner(backend, what, owner);
  if (owner === ctx.owner && key === desired.key) return { ids: { infId }, note: `${what} already carries this owner's marker for ${desired.key}` };
  if (owner === ctx.owner && key) throw importKeyMismatch(backend, what, key);
  // RADL needs a sentence after the description: a bare reference to an existing network (or
  // system), which IM completes from the stored RADL and keeps as it is.
  const anchor = sentences.find((s) => s.keyword === 'network') ?? sentences.find((s) => s.keyword === 'system');
  if (!anchor) throw importNotFound(backend, `an infrastructure ${infId} with networks or systems`, 'its RADL declares neither');
  const radl = `${markerRadl({ owner: ctx.owner, key: desired.key })}
${anchor.keyword} ${anchor.id}
`;
  await ctx.mutate('AddResource', infId, () => api.addResource(infId, radl, ctx.signal));
  return { ids: { infId }, note: `wrote converge's marker into the RADL description of ${what}` };
}
