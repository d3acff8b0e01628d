/**
 * AddSliceTag, UpdateSliceTag and DeleteSliceTag (planetlab.md §A5). A tag name may carry several
 * values (vsys), but the same (tagname, value, scope) again is 102. Values are strings (PLC's type
 * check refuses anything else); `initscript` values must name an enabled initscript. A tag with a
 * node is a sliver tag; nodegroups are not simulated (none exist, so naming one is 102).
 */
import type { XmlRpcValue } from '../../../../../xmlrpc/value.js';
import { pyRepr } from '../../python.js';
import type { SliceRow, SliceTagRow, TagTypeRow } from '../model/types.js';
import { AUTH_PARAM } from './auth.js';
import { NO_SUCH_SLICE, invalidArgument } from './faults.js';
import type { MethodContext, PlcMethod } from './method.js';
import { int, mixed, str, type ParamSpec } from './param-check.js';
import { liveSliceOr102, noSuchSliceRepr } from './slice-access.js';
import { requireTagWriter, type SliverNode } from './tag-permission.js';

const VALUE: ParamSpec = mixed(str(), str({ max: 254 }));

export const addSliceTag: PlcMethod = {
  name: 'AddSliceTag',
  roles: ['admin', 'pi', 'user', 'node'],
  accepts: [
    { name: 'auth', spec: AUTH_PARAM },
    { name: 'slice_id_or_name', spec: mixed(int(), str({ max: 64 })) },
    { name: 'tag_type_id_or_name', spec: mixed(int(), str()) },
    { name: 'value', spec: VALUE },
    { name: 'node_id_or_hostname', spec: { type: 'mixed', options: [int(), str({ max: 255 })], nullok: true } },
    { name: 'nodegroup_id_or_name', spec: mixed(int(), str()) },
  ],
  minArgs: 4,
  returns: 'int',
  doc: 'Sets a tag of a slice (or, with a node, of its sliver there). Returns the new slice_tag_id.',
  run(ctx, [, sliceIdOrName, typeIdOrName, value, nodeIdOrHostname, nodegroup]) {
    const slice = liveSliceOr102(ctx, sliceIdOrName, noSuchSliceRepr(sliceIdOrName));
    const type = ctx.store.tagType(typeIdOrName as number | string);
    if (!type) throw invalidArgument(`No such tag type ${pyRepr(typeIdOrName)}`);
    const sliver: SliverNode = { given: nodeIdOrHostname !== null && nodeIdOrHostname !== undefined };
    const node = sliver.given ? ctx.store.node(nodeIdOrHostname as number | string) : undefined;
    if (node) sliver.node = node;
    const nodegroupGiven = nodegroup !== null && nodegroup !== undefined;
    requireTagWriter(ctx, slice, type, sliver, nodegroupGiven);
    checkInitscript(ctx, type, value);
    if (sliver.given) checkSliverNode(ctx, slice, sliver);
    if (nodegroupGiven) throw invalidArgument(`No such nodegroup ${pyRepr(nodegroup)}`);
    const tag: SliceTagRow = { slice_tag_id: 0, slice_id: slice.slice_id, tag_type_id: type.tag_type_id, value: String(value), node_id: sliver.node?.node_id ?? null, nodegroup_id: null };
    checkDuplicate(ctx, tag, type);
    tag.slice_tag_id = ctx.store.nextSliceTagId();
    ctx.store.state.sliceTags.push(tag);
    ctx.store.markChanged();
    return tag.slice_tag_id;
  },
};

function checkInitscript(ctx: MethodContext, type: TagTypeRow, value: XmlRpcValue | undefined): void {
  if (type.tagname === 'initscript' && !ctx.store.initscript(String(value))) throw invalidArgument(`No such plc initscript ${pyRepr(value)}`);
}

function checkSliverNode(ctx: MethodContext, slice: SliceRow, sliver: SliverNode): void {
  if (!sliver.node) throw invalidArgument('No such node');
  const systemIds = ctx.store.state.sliceTags.filter((t) => ctx.store.tagTypeById(t.tag_type_id).tagname === 'system' && t.value === '1').map((t) => t.slice_id);
  if (!systemIds.includes(slice.slice_id) && !slice.node_ids.includes(sliver.node.node_id)) {
    throw invalidArgument(`AddSliceTag: slice ${slice.name} not on specified node ${sliver.node.hostname} nor is it a system slice (${pyRepr(systemIds)})`);
  }
}

function checkDuplicate(ctx: MethodContext, tag: SliceTagRow, type: TagTypeRow): void {
  const same = ctx.store.tagsOf(tag.slice_id).filter((t) => t.tag_type_id === type.tag_type_id && t.value === tag.value);
  for (const existing of same) {
    if (tag.node_id === null && existing.node_id !== null) continue;
    if (tag.node_id !== null && existing.node_id === null) continue;
    if (tag.node_id !== null && tag.node_id === existing.node_id) throw invalidArgument('Sliver attribute already exists');
    if (tag.node_id === null) throw invalidArgument('Slice attribute already exists');
  }
}

/** tagAndSlice finds a tag and its live slice, and checks the caller may write it. */
function tagAndSlice(ctx: MethodContext, tagId: XmlRpcValue | undefined): { tag: SliceTagRow; slice: SliceRow; type: TagTypeRow } {
  const tag = ctx.store.state.sliceTags.find((t) => t.slice_tag_id === tagId);
  if (!tag) throw invalidArgument('No such slice attribute');
  const slice = liveSliceOr102(ctx, tag.slice_id, NO_SUCH_SLICE);
  const type = ctx.store.tagTypeById(tag.tag_type_id);
  const sliver: SliverNode = { given: tag.node_id !== null };
  const node = tag.node_id === null ? undefined : ctx.store.node(tag.node_id);
  if (node) sliver.node = node;
  requireTagWriter(ctx, slice, type, sliver, tag.nodegroup_id !== null);
  return { tag, slice, type };
}

export const updateSliceTag: PlcMethod = {
  name: 'UpdateSliceTag',
  roles: ['admin', 'pi', 'user', 'node'],
  accepts: [
    { name: 'auth', spec: AUTH_PARAM },
    { name: 'slice_tag_id', spec: int() },
    { name: 'value', spec: VALUE },
  ],
  minArgs: 3,
  returns: 'int',
  doc: 'Changes the value of a slice or sliver tag.',
  run(ctx, [, tagId, value]) {
    const { tag, type } = tagAndSlice(ctx, tagId);
    checkInitscript(ctx, type, value);
    tag.value = String(value);
    ctx.store.markChanged();
    return 1;
  },
};

export const deleteSliceTag: PlcMethod = {
  name: 'DeleteSliceTag',
  roles: ['admin', 'pi', 'user', 'node'],
  accepts: [
    { name: 'auth', spec: AUTH_PARAM },
    { name: 'slice_tag_id', spec: int() },
  ],
  minArgs: 2,
  returns: 'int',
  doc: 'Deletes a slice or sliver tag.',
  run(ctx, [, tagId]) {
    const { tag } = tagAndSlice(ctx, tagId);
    ctx.store.state.sliceTags = ctx.store.state.sliceTags.filter((t) => t !== tag);
    ctx.store.markChanged();
    return 1;
  },
};
