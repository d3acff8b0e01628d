/**
 * Helpers shared by the slice methods: lookups that fault as PLC does, the "member, PI of the
 * slice's site, or admin" write permission, field splitting (native / related / tags /
 * rejected) and the checks PLC's Row makes on stored values.
 */
import type { XmlRpcStruct, XmlRpcValue } from '../../../../../xmlrpc/value.js';
import { pyRepr } from '../../python.js';
import { SLICE_TAG_COLUMNS } from '../model/rows.js';
import { SLICE_INSTANTIATIONS, type SliceRow } from '../model/types.js';
import { isAdmin, personOf } from './auth.js';
import { NOT_A_MEMBER, NOT_YOUR_SITE_SLICE, invalidArgument, permissionDenied } from './faults.js';
import type { MethodContext } from './method.js';
import { SLICES } from './tables.js';

/** liveSliceOr102 finds a live slice, or faults with `message` (PLC words it per method). */
export function liveSliceOr102(ctx: MethodContext, idOrName: XmlRpcValue | undefined, message: string): SliceRow {
  const slice = ctx.store.liveSlice(idOrName as number | string, ctx.now);
  if (!slice) throw invalidArgument(message);
  return slice;
}

/** noSuchSliceRepr is the newer methods' wording: `No such slice 'name'` (Python %r). */
export const noSuchSliceRepr = (idOrName: XmlRpcValue | undefined): string => `No such slice ${pyRepr(idOrName)}`;

/** requireSliceWriter: admins, members, and PIs of the slice's site may change a slice; others get 108. */
export function requireSliceWriter(ctx: MethodContext, slice: SliceRow): void {
  if (isAdmin(ctx.caller)) return;
  const person = personOf(ctx.caller);
  if (slice.person_ids.includes(person.person_id)) return;
  if (!person.roles.includes('pi')) throw permissionDenied(NOT_A_MEMBER);
  if (!person.site_ids.includes(slice.site_id)) throw permissionDenied(NOT_YOUR_SITE_SLICE);
}

/** SplitFields is PLC's Row.split_fields for slices. */
export interface SplitFields {
  native: XmlRpcStruct;
  related: XmlRpcStruct;
  tags: XmlRpcStruct;
  rejected: string[];
}

/** splitSliceFields sorts a fields struct into native columns, links, accessor tags and unknown keys. */
export function splitSliceFields(fields: XmlRpcStruct): SplitFields {
  const split: SplitFields = { native: {}, related: {}, tags: {}, rejected: [] };
  for (const [key, value] of Object.entries(fields)) {
    if (key in SLICES.fields) split.native[key] = value;
    else if (key === 'nodes' || key === 'persons') split.related[key] = value;
    else if ((SLICE_TAG_COLUMNS as readonly string[]).includes(key)) split.tags[key] = value;
    else split.rejected.push(key);
  }
  return split;
}

/** checkAccepted: a native field the method does not accept is 102 `Trying to set/change unaccepted key X`. */
export function checkAccepted(native: XmlRpcStruct, accepted: readonly string[]): void {
  for (const key of Object.keys(native)) if (!accepted.includes(key)) throw invalidArgument(`Trying to set/change unaccepted key ${key}`);
}

/** validateInstantiation is 102 `No such instantiation state` for an unknown value. */
export function validateInstantiation(value: XmlRpcValue | undefined): void {
  if (!SLICE_INSTANTIATIONS.includes(value as SliceRow['instantiation'])) throw invalidArgument('No such instantiation state');
}

/** validateFuture is PLC's Timestamp check: `'2026-12-02 17:13:17' not in the future` (UTC). */
export function validateFuture(expires: number, now: number): void {
  if (expires < now) throw invalidArgument(`'${new Date(expires * 1000).toISOString().slice(0, 19).replace('T', ' ')}' not in the future`);
}

/** blank: nil, absent, or only whitespace (PLC's test for url and description). */
export function blank(value: XmlRpcValue | undefined): boolean {
  return value === null || value === undefined || String(value).trim() === '';
}
