/**
 * adoptSlice imports a PlanetLab slice created outside converge (by its name, or slice_id). The
 * marker is the last line of the slice's description (spec/ownership-marker.ts), so import
 * writes it with one UpdateSlice, keeping the description's text. A slice marked by another
 * owner is refused, one already marked for this key is returned as is. The slice must be the
 * one the manifest names (`spec.name`); slivers are not imported (they follow their slice).
 */
import { ConvergeError } from '../../../errors/converge-error.js';
import { importKeyMismatch, importNotFound, importOtherOwner } from '../../adopt-errors.js';
import type { AdoptContext, AdoptResult, DesiredObject } from '../../driver.js';
import type { PlcApi } from '../plc/plc-api.js';
import { rows, sliceRecord, SLICE_FIELDS } from '../plc/plc-records.js';
import { readMarker, withMarker } from '../spec/ownership-marker.js';
import { isSliverKey } from '../spec/slice-spec.js';

export async function adoptSlice(api: PlcApi, backend: string, desired: DesiredObject, id: string, ctx: AdoptContext): Promise<AdoptResult> {
  const name = String(desired.spec.name ?? '');
  if (isSliverKey(desired.key)) throw new ConvergeError('INVALID', 'IMPORT_UNSUPPORTED', `backend ${backend}: ${desired.key} is a sliver; import its slice, and the slivers follow`);
  const filter = /^\d+$/.test(id) ? [Number(id)] : [id];
  const found = rows('GetSlices', await api.read('GetSlices', [filter, SLICE_FIELDS], ctx.signal)).map(sliceRecord);
  const slice = found[0];
  if (!slice) throw importNotFound(backend, `slice ${id}`, `GetSlices finds no slice ${id} visible to ${JSON.stringify(api.username)}`);
  if (slice.name !== name) {
    throw new ConvergeError('INVALID', 'USAGE', `import ${desired.key}: its manifest names slice ${name}, not ${slice.name}; slice names cannot change in place`);
  }
  const what = `slice ${slice.name} (slice_id ${slice.sliceId})`;
  const { marker, text } = readMarker(slice.description);
  const ids = { slice_id: String(slice.sliceId), name: slice.name };
  if (marker && marker.owner !== ctx.owner) throw importOtherOwner(backend, what, marker.owner);
  if (marker && marker.key === desired.key) return { ids, note: `${what} already carries this owner's marker for ${desired.key}` };
  if (marker) throw importKeyMismatch(backend, what, marker.key);
  const description = withMarker(text ?? undefined, { owner: ctx.owner, key: desired.key });
  await ctx.mutate('UpdateSlice', `${slice.name} description`, () => api.mutate('UpdateSlice', [slice.sliceId, { description }], ctx.signal));
  return { ids, note: `wrote converge's marker into the description of ${what}` };
}
