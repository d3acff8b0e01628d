/**
 * UpdateSlice and DeleteSlice (planetlab.md §A5, §A8).
 *
 * UpdateSlice, in PLC's order: unaccepted/unknown keys, the live slice, the write permission,
 * then renewal (setting `expires` later than now-stored): the site must allow slices
 * (max_slices > 0), a non-admin may not go past now + 8 weeks, and url and description must be
 * non-empty on the slice or in this call; then max_nodes (PIs and admins only); then `nodes` and
 * `persons`, which replace the whole set through AddSliceToNodes / DeleteSliceFromNodes /
 * AddPersonToSlice / DeletePersonFromSlice with the same auth (their faults come back prefixed
 * twice, as PLC's do); then the stored values are checked (`expires` in the future, a known
 * instantiation) and written; then accessor tags (update the first tag of that name, or add).
 *
 * DeleteSlice is a soft delete that drops the slice's node, person and tag links.
 */
import type { XmlRpcStruct, XmlRpcValue } from '../../../../../xmlrpc/value.js';
import { pyRepr } from '../../python.js';
import { MAX_RENEWAL_SECONDS, type SliceRow } from '../model/types.js';
import { AUTH_PARAM, isAdmin, personOf } from './auth.js';
import { NO_SUCH_SLICE, invalidArgument } from './faults.js';
import type { MethodContext, PlcMethod } from './method.js';
import { array, int, mixed, str, struct } from './param-check.js';
import { SLICE_TAG_FIELD_SPECS } from './slice-add.js';
import { blank, checkAccepted, liveSliceOr102, noSuchSliceRepr, requireSliceWriter, splitSliceFields, validateFuture, validateInstantiation } from './slice-access.js';

const ACCEPTED = ['instantiation', 'url', 'description', 'max_nodes', 'expires'];
const SLICE_ID_OR_NAME = mixed(int(), str({ max: 64 }));

export const updateSlice: PlcMethod = {
  name: 'UpdateSlice',
  roles: ['admin', 'pi', 'user'],
  accepts: [
    { name: 'auth', spec: AUTH_PARAM },
    { name: 'slice_id_or_name', spec: SLICE_ID_OR_NAME },
    {
      name: 'slice_fields',
      spec: struct({
        instantiation: str(),
        url: str({ max: 254, nullok: true }),
        description: str({ max: 2048, nullok: true }),
        max_nodes: int(),
        expires: int(),
        nodes: array(mixed(int(), str())),
        persons: array(mixed(int(), str())),
        ...SLICE_TAG_FIELD_SPECS,
      }),
    },
  ],
  minArgs: 3,
  returns: 'int',
  doc: 'Updates a slice. Renewing (a later `expires`) is capped at 8 weeks from now for non-admins and needs a url and a description.',
  run(ctx, [, idOrName, fields]) {
    const { native, related, tags, rejected } = splitSliceFields(fields as XmlRpcStruct);
    checkAccepted(native, ACCEPTED);
    if (rejected.length) throw invalidArgument(`Cannot update Slice column(s) ${pyRepr(rejected)}`);
    const slice = liveSliceOr102(ctx, idOrName, noSuchSliceRepr(idOrName));
    requireSliceWriter(ctx, slice);
    if (typeof native.expires === 'number' && native.expires > slice.expires) checkRenewal(ctx, slice, native);
    if ('max_nodes' in native && native.max_nodes !== slice.max_nodes && !isAdmin(ctx.caller) && !personOf(ctx.caller).roles.includes('pi')) {
      throw invalidArgument('Only admins and PIs may update max_nodes');
    }
    if (Array.isArray(related.persons)) replacePersons(ctx, slice, related.persons);
    if (Array.isArray(related.nodes)) replaceNodes(ctx, slice, related.nodes);
    writeNative(ctx, slice, native);
    for (const [tagname, value] of Object.entries(tags)) setAccessorTag(ctx, slice, tagname, value);
    return 1;
  },
};

function checkRenewal(ctx: MethodContext, slice: SliceRow, native: XmlRpcStruct): void {
  const site = ctx.store.site(slice.site_id);
  if (!site || site.max_slices <= 0) throw invalidArgument('Slice creation and renewal have been disabled for the site');
  if (!isAdmin(ctx.caller) && Number(native.expires) > ctx.now + MAX_RENEWAL_SECONDS) throw invalidArgument('Cannot renew a slice beyond 8 weeks from now');
  const emptyDescription = blank(slice.description) && blank(native.description);
  const emptyUrl = blank(slice.url) && blank(native.url);
  if (emptyDescription || emptyUrl) throw invalidArgument('Cannot renew a slice with an empty description or URL');
}

function writeNative(ctx: MethodContext, slice: SliceRow, native: XmlRpcStruct): void {
  if (typeof native.expires === 'number') validateFuture(native.expires, ctx.now);
  if ('instantiation' in native) validateInstantiation(native.instantiation);
  if ('instantiation' in native) slice.instantiation = native.instantiation as SliceRow['instantiation'];
  if ('url' in native) slice.url = native.url as string | null;
  if ('description' in native) slice.description = native.description as string | null;
  if (typeof native.max_nodes === 'number') slice.max_nodes = native.max_nodes;
  if (typeof native.expires === 'number') slice.expires = native.expires;
  ctx.store.markChanged();
}

/** replacePersons: emails PLC does not know are dropped silently, so they count as "not wanted". */
function replacePersons(ctx: MethodContext, slice: SliceRow, wanted: XmlRpcValue[]): void {
  const ids = wanted.map((w) => ctx.store.person(w as number | string)?.person_id).filter((id): id is number => id !== undefined);
  for (const id of ids.filter((id) => !slice.person_ids.includes(id))) ctx.invoke('AddPersonToSlice', [ctx.auth, id, slice.slice_id]);
  for (const id of slice.person_ids.filter((id) => !ids.includes(id))) ctx.invoke('DeletePersonFromSlice', [ctx.auth, id, slice.slice_id]);
}

function replaceNodes(ctx: MethodContext, slice: SliceRow, wanted: XmlRpcValue[]): void {
  const ids = wanted.map((w) => ctx.store.node(w as number | string)?.node_id).filter((id): id is number => id !== undefined);
  const added = ids.filter((id) => !slice.node_ids.includes(id));
  const removed = slice.node_ids.filter((id) => !ids.includes(id));
  if (added.length) ctx.invoke('AddSliceToNodes', [ctx.auth, slice.slice_id, added]);
  if (removed.length) ctx.invoke('DeleteSliceFromNodes', [ctx.auth, slice.slice_id, removed]);
}

function setAccessorTag(ctx: MethodContext, slice: SliceRow, tagname: string, value: XmlRpcValue): void {
  if (!ctx.store.tagType(tagname)) throw invalidArgument(`No such TagType ${tagname}`);
  const existing = ctx.store.tagsOf(slice.slice_id).find((t) => ctx.store.tagTypeById(t.tag_type_id).tagname === tagname);
  if (existing) ctx.invoke('UpdateSliceTag', [ctx.auth, existing.slice_tag_id, value]);
  else ctx.invoke('AddSliceTag', [ctx.auth, slice.slice_id, tagname, value]);
}

export const deleteSlice: PlcMethod = {
  name: 'DeleteSlice',
  roles: ['admin', 'pi', 'user'],
  accepts: [
    { name: 'auth', spec: AUTH_PARAM },
    { name: 'slice_id_or_name', spec: SLICE_ID_OR_NAME },
  ],
  minArgs: 2,
  returns: 'int',
  doc: 'Deletes a slice (soft delete: its name is free again; its nodes, people and tags are unlinked).',
  run(ctx, [, idOrName]) {
    const slice = liveSliceOr102(ctx, idOrName, NO_SUCH_SLICE);
    requireSliceWriter(ctx, slice);
    ctx.store.softDelete(slice);
    return 1;
  },
};
