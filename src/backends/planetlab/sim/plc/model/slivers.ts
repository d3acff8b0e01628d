/**
 * What PLC tells a node (GetSlivers, planetlab.md §B6) and what a slice ticket carries (§B5):
 * sliver structs `{name, slice_id, instantiation, expires, keys, attributes, GetSliceFamily}`.
 *
 * A node gets every live system slice (tag system=1), every live `nm-controller` and `delegated`
 * slice whatever its nodes, and the live slices bound to it. A node's attributes are its sliver
 * tags first, then the slice-wide tags whose name no sliver tag of that node uses; a ticket has
 * no node, so only slice-wide tags. Keys are the ssh keys of the slice's enabled members.
 */
import type { XmlRpcStruct } from '../../../../../xmlrpc/value.js';
import type { PlcStore } from './store.js';
import type { SliceRow, SliceTagRow } from './types.js';

/** MAX_EXPIRES: GetSlivers cuts `expires` to what a 32-bit int holds. */
const MAX_EXPIRES = 2 ** 31 - 1;

/** SliversData is GetSlivers' reply (the parts a Node Manager reads). */
export interface SliversData {
  timestamp: number;
  node_id: number | null;
  initscripts: XmlRpcStruct[];
  slivers: XmlRpcStruct[];
}

/** sliversForNode is GetSlivers for `nodeId` at `now` (epoch seconds). */
export function sliversForNode(store: PlcStore, nodeId: number, now: number): SliversData {
  const slices = store.liveSlices(now).filter((s) => isSystemSlice(store, s) || s.instantiation === 'nm-controller' || s.instantiation === 'delegated' || s.node_ids.includes(nodeId));
  return { timestamp: now, node_id: nodeId, initscripts: initscripts(store), slivers: slices.map((s) => sliverStruct(store, s, nodeId)) };
}

/** ticketPayload is what GetSliceTicket signs: one sliver, slice-wide tags only. */
export function ticketPayload(store: PlcStore, slice: SliceRow, now: number): XmlRpcStruct {
  return { timestamp: now, initscripts: initscripts(store), slivers: [sliverStruct(store, slice, null)] };
}

/** sliverStruct is one sliver of GetSlivers (nodeId set) or of a ticket (nodeId null). */
export function sliverStruct(store: PlcStore, slice: SliceRow, nodeId: number | null): XmlRpcStruct {
  const tags = store.tagsOf(slice.slice_id);
  const attributes = sliverAttributes(store, tags, nodeId);
  const value = (tagname: string, fallback: string): string => attributes.find((a) => a.tagname === tagname)?.value ?? fallback;
  return {
    name: slice.name,
    slice_id: slice.slice_id,
    instantiation: slice.instantiation,
    expires: Math.min(slice.expires, MAX_EXPIRES),
    keys: memberKeys(store, slice),
    attributes,
    GetSliceFamily: `${value('pldistro', 'planetlab')}-${value('fcdistro', 'f33')}-${value('arch', 'x86_64')}`,
  };
}

function sliverAttributes(store: PlcStore, tags: SliceTagRow[], nodeId: number | null): Array<{ tagname: string; value: string }> {
  const named = (t: SliceTagRow): { tagname: string; value: string } => ({ tagname: store.tagTypeById(t.tag_type_id).tagname, value: t.value });
  const sliverTags = nodeId === null ? [] : tags.filter((t) => t.node_id === nodeId).map(named);
  const sliverNames = new Set(sliverTags.map((t) => t.tagname));
  const sliceWide = tags.filter((t) => t.node_id === null && t.nodegroup_id === null).map(named).filter((t) => !sliverNames.has(t.tagname));
  return [...sliverTags, ...sliceWide];
}

function memberKeys(store: PlcStore, slice: SliceRow): XmlRpcStruct[] {
  const members = slice.person_ids.map((id) => store.person(id)).filter((p) => p?.enabled);
  return members.flatMap((p) => store.keysOf(p!.person_id).map((k) => ({ key_type: k.key_type, key: k.key })));
}

function initscripts(store: PlcStore): XmlRpcStruct[] {
  return store.state.initscripts.filter((i) => i.enabled).map((i) => ({ ...i }));
}

function isSystemSlice(store: PlcStore, slice: SliceRow): boolean {
  return store.tagsOf(slice.slice_id).some((t) => store.tagTypeById(t.tag_type_id).tagname === 'system' && t.value === '1');
}
