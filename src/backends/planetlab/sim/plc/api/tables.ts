/** The PLC tables as the Get* methods expose them: columns, their types, and the filter keys. */
import { SLICE_TAG_COLUMNS } from '../model/rows.js';
import { array, bool, int, str } from './param-check.js';
import type { TableSpec } from './query.js';

const ints = array(int());
const nullableInt = int({ nullok: true });

/** SLICES: GetSlices' columns; accessor tags are extra columns. */
export const SLICES: TableSpec = {
  className: 'Slice',
  idField: 'slice_id',
  nameField: 'name',
  fields: {
    slice_id: int(),
    site_id: int(),
    name: str({ max: 64 }),
    instantiation: str(),
    url: str({ max: 254, nullok: true }),
    description: str({ max: 2048, nullok: true }),
    max_nodes: int(),
    creator_person_id: int(),
    created: int(),
    expires: int(),
    node_ids: ints,
    person_ids: ints,
    slice_tag_ids: ints,
    peer_id: nullableInt,
    peer_slice_id: nullableInt,
  },
  extraColumns: SLICE_TAG_COLUMNS,
};

/** SLICE_TAGS: GetSliceTags' columns (`name` is the slice's name). */
export const SLICE_TAGS: TableSpec = {
  className: 'SliceTag',
  idField: 'slice_tag_id',
  fields: {
    slice_tag_id: int(),
    slice_id: int(),
    name: str({ max: 64 }),
    node_id: nullableInt,
    nodegroup_id: nullableInt,
    tag_type_id: int(),
    tagname: str(),
    description: str(),
    category: str(),
    value: str({ nullok: true }),
  },
};

/** NODES: GetNodes' columns. */
export const NODES: TableSpec = {
  className: 'Node',
  idField: 'node_id',
  nameField: 'hostname',
  fields: {
    node_id: int(),
    hostname: str({ max: 255 }),
    site_id: int(),
    boot_state: str(),
    run_level: str({ nullok: true }),
    node_type: str(),
    slice_ids: ints,
    slice_ids_whitelist: ints,
    interface_ids: ints,
    nodegroup_ids: ints,
    last_contact: nullableInt,
    peer_id: nullableInt,
  },
};

/** PERSONS: GetPersons' columns (never a password). */
export const PERSONS: TableSpec = {
  className: 'Person',
  idField: 'person_id',
  nameField: 'email',
  fields: {
    person_id: int(),
    first_name: str(),
    last_name: str(),
    email: str({ max: 254 }),
    enabled: bool(),
    roles: array(str()),
    role_ids: ints,
    site_ids: ints,
    key_ids: ints,
    slice_ids: ints,
    peer_id: nullableInt,
  },
};

/** SITES: GetSites' columns. */
export const SITES: TableSpec = {
  className: 'Site',
  idField: 'site_id',
  nameField: 'login_base',
  fields: {
    site_id: int(),
    name: str(),
    abbreviated_name: str(),
    login_base: str({ max: 32 }),
    enabled: bool(),
    max_slices: int(),
    max_slivers: int(),
    is_public: bool(),
    node_ids: ints,
    person_ids: ints,
    slice_ids: ints,
    peer_id: nullableInt,
  },
};

/** TAG_TYPES: GetTagTypes' columns. */
export const TAG_TYPES: TableSpec = {
  className: 'TagType',
  idField: 'tag_type_id',
  nameField: 'tagname',
  fields: { tag_type_id: int(), tagname: str(), description: str(), category: str(), roles: array(str()), role_ids: ints },
};

/** KEYS: GetKeys' columns. */
export const KEYS: TableSpec = {
  className: 'Key',
  idField: 'key_id',
  fields: { key_id: int(), key_type: str(), key: str(), person_id: int(), peer_id: nullableInt },
};
