/**
 * Full rows as PLC's views return them (every native column, derived id lists included). The
 * read methods filter and project these; secrets (password hashes, session hashes) never appear.
 */
import type { XmlRpcValue } from '../../../../../xmlrpc/value.js';
import type { PlcStore } from './store.js';
import { ROLE_IDS, type KeyRow, type NodeRow, type PersonRow, type SiteRow, type SliceRow, type SliceTagRow, type TagTypeRow } from './types.js';

/** ViewRow is a row as the Get* methods see it, before filtering and projection. */
export type ViewRow = Record<string, XmlRpcValue>;

/** SLICE_TAG_COLUMNS are the accessor tags GetSlices can return as columns (§A4). */
export const SLICE_TAG_COLUMNS = ['vref', 'initscript', 'initscript_code', 'arch', 'pldistro', 'fcdistro', 'hrn'] as const;

/** tagsBySlice indexes the slice tags once, so a read of many slices stays linear. */
export function tagsBySlice(store: PlcStore): Map<number, SliceTagRow[]> {
  const index = new Map<number, SliceTagRow[]>();
  for (const tag of store.state.sliceTags) {
    const list = index.get(tag.slice_id);
    if (list) list.push(tag);
    else index.set(tag.slice_id, [tag]);
  }
  return index;
}

/** sliceView is a slice's full row; `tags` are its tags (tagsOf or an index); tag columns only on request. */
export function sliceView(store: PlcStore, slice: SliceRow, tags = store.tagsOf(slice.slice_id), withTagColumns = true): ViewRow {
  const row: ViewRow = {
    slice_id: slice.slice_id,
    site_id: slice.site_id,
    name: slice.name,
    instantiation: slice.instantiation,
    url: slice.url,
    description: slice.description,
    max_nodes: slice.max_nodes,
    creator_person_id: slice.creator_person_id,
    created: slice.created,
    expires: slice.expires,
    node_ids: [...slice.node_ids],
    person_ids: [...slice.person_ids],
    slice_tag_ids: tags.map((t) => t.slice_tag_id),
    peer_id: null,
    peer_slice_id: null,
  };
  if (withTagColumns) for (const tagname of SLICE_TAG_COLUMNS) row[tagname] = sliceWideTagValue(store, tags, tagname);
  return row;
}

/** sliceWideTagValue is the first slice-wide value of a tag (what PLC's tag columns show), or nil. */
export function sliceWideTagValue(store: PlcStore, tags: SliceTagRow[], tagname: string): string | null {
  const tag = tags.find((t) => t.node_id === null && t.nodegroup_id === null && store.tagTypeById(t.tag_type_id).tagname === tagname);
  return tag ? tag.value : null;
}

/** sliceTagView is a tag's full row; `sliceName` resolves its slice's name (pass an index for many tags). */
export function sliceTagView(store: PlcStore, tag: SliceTagRow, sliceName = (id: number): string | undefined => store.state.slices.find((s) => s.slice_id === id)?.name): ViewRow {
  const type = store.tagTypeById(tag.tag_type_id);
  return {
    slice_tag_id: tag.slice_tag_id,
    slice_id: tag.slice_id,
    name: sliceName(tag.slice_id) ?? null,
    node_id: tag.node_id,
    nodegroup_id: tag.nodegroup_id,
    tag_type_id: tag.tag_type_id,
    tagname: type.tagname,
    description: type.description,
    category: type.category,
    value: tag.value,
  };
}

/** siteView adds node_ids, person_ids and slice_ids (undeleted slices, expired ones included). */
export function siteView(store: PlcStore, site: SiteRow): ViewRow {
  return {
    ...site,
    node_ids: store.state.nodes.filter((n) => n.site_id === site.site_id).map((n) => n.node_id),
    person_ids: store.state.persons.filter((p) => p.site_ids.includes(site.site_id)).map((p) => p.person_id),
    slice_ids: store.siteSliceIds(site.site_id),
    peer_id: null,
  };
}

/** nodeView adds the node's slice_ids; PLC's admin-only columns (key, session) are never exposed. */
export function nodeView(store: PlcStore, node: NodeRow): ViewRow {
  return {
    ...node,
    slice_ids: store.nodeSliceIds(node.node_id),
    slice_ids_whitelist: [...node.slice_ids_whitelist],
    interface_ids: [node.node_id],
    nodegroup_ids: [],
    peer_id: null,
  };
}

/** personView never carries the password hash. */
export function personView(store: PlcStore, person: PersonRow): ViewRow {
  return {
    person_id: person.person_id,
    first_name: person.first_name,
    last_name: person.last_name,
    email: person.email,
    enabled: person.enabled,
    roles: [...person.roles],
    role_ids: person.roles.map((r) => ROLE_IDS[r]),
    site_ids: [...person.site_ids],
    key_ids: store.keysOf(person.person_id).map((k) => k.key_id),
    slice_ids: store.personSliceIds(person.person_id),
    peer_id: null,
  };
}

/** tagTypeView lists the writer roles and their role ids (pseudo-roles have none). */
export function tagTypeView(type: TagTypeRow): ViewRow {
  return {
    tag_type_id: type.tag_type_id,
    tagname: type.tagname,
    description: type.description,
    category: type.category,
    roles: [...type.roles],
    role_ids: type.roles.flatMap((r) => (r in ROLE_IDS ? [ROLE_IDS[r as keyof typeof ROLE_IDS]] : [])),
  };
}

/** keyView is a key row as GetKeys returns it. */
export function keyView(key: KeyRow): ViewRow {
  return { ...key, peer_id: null };
}
