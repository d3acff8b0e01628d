/**
 * The PLC simulator's rows (planetlab.md §A4–§A6), as stored and persisted. Derived columns
 * (a site's `slice_ids`, a node's `slice_ids`, a slice's `slice_tag_ids`, …) are not stored:
 * rows.ts computes them at read time, as PLC's views do. Times are epoch seconds, as in PLC.
 * Secrets are stored only as hashes (passwords, session keys).
 */

/** PersonRole is a role a person can hold; `node`, `peer` and `anonymous` are pseudo-roles of methods. */
export type PersonRole = 'admin' | 'pi' | 'user' | 'tech';
/** MethodRole is a role a method may list: person roles and the pseudo-roles. */
export type MethodRole = PersonRole | 'node' | 'peer' | 'anonymous';

/** ROLE_IDS are PLC's role ids (admin=10, pi=20, user=30, tech=40). */
export const ROLE_IDS: Readonly<Record<PersonRole, number>> = { admin: 10, pi: 20, user: 30, tech: 40 };

/** SliceInstantiation is a row of `slice_instantiations`. */
export type SliceInstantiation = 'not-instantiated' | 'plc-instantiated' | 'delegated' | 'nm-controller';
/** SLICE_INSTANTIATIONS are the accepted instantiation values. */
export const SLICE_INSTANTIATIONS: readonly SliceInstantiation[] = ['not-instantiated', 'plc-instantiated', 'delegated', 'nm-controller'];

/** SiteRow is a site; a slice name's prefix is a site's login_base. */
export interface SiteRow {
  site_id: number;
  login_base: string;
  name: string;
  abbreviated_name: string;
  enabled: boolean;
  /** max_slices defaults to 0 at PLC: an admin must raise it before the site's PIs can create slices. */
  max_slices: number;
  max_slivers: number;
  is_public: boolean;
}

/** NodeRow is a node; each has a Node Manager simulator of the same hostname. */
export interface NodeRow {
  node_id: number;
  hostname: string;
  site_id: number;
  boot_state: string;
  run_level: string;
  node_type: string;
  /** slice_ids_whitelist: when non-empty, only these slices (or callers of the node's site) may be added. */
  slice_ids_whitelist: number[];
  last_contact: number | null;
}

/** PersonRow is an account; only enabled ones authenticate. */
export interface PersonRow {
  person_id: number;
  email: string;
  first_name: string;
  last_name: string;
  enabled: boolean;
  roles: PersonRole[];
  site_ids: number[];
  /** passwordHash is `salt:hex(HMAC-SHA256(salt, password))`; the password itself is never kept. */
  passwordHash: string;
}

/** KeyRow is a person's public key (ssh); members' keys reach slivers and controller accounts. */
export interface KeyRow {
  key_id: number;
  person_id: number;
  key_type: string;
  key: string;
}

/** SliceRow is a slice; live means not deleted and `expires > now`. */
export interface SliceRow {
  slice_id: number;
  site_id: number;
  name: string;
  instantiation: SliceInstantiation;
  url: string | null;
  description: string | null;
  max_nodes: number;
  creator_person_id: number;
  created: number;
  expires: number;
  /** is_deleted: soft delete; the row stays, invisible, and its name is free again. */
  is_deleted: boolean;
  node_ids: number[];
  person_ids: number[];
}

/** SliceTagRow is a slice tag; with node_id, a sliver tag. */
export interface SliceTagRow {
  slice_tag_id: number;
  slice_id: number;
  tag_type_id: number;
  /** value is always a string at PLC, whatever the caller sent. */
  value: string;
  node_id: number | null;
  nodegroup_id: number | null;
}

/** TagTypeRow is a tag type and the roles that may write it. */
export interface TagTypeRow {
  tag_type_id: number;
  tagname: string;
  description: string;
  category: string;
  /** roles that may write the tag; empty means admin-only. */
  roles: MethodRole[];
}

/** InitScriptRow is an initscript an `initscript` tag may name. */
export interface InitScriptRow {
  initscript_id: number;
  name: string;
  enabled: boolean;
  script: string;
}

/** SessionRow is a login session (GetSession). */
export interface SessionRow {
  /** keyHash is hex(SHA-256(session key)); the key itself is only ever in GetSession's reply. */
  keyHash: string;
  person_id: number;
  expires: number;
}

/** PlcState is the whole PLC database, as persisted. */
export interface PlcState {
  version: 1;
  sites: SiteRow[];
  nodes: NodeRow[];
  persons: PersonRow[];
  keys: KeyRow[];
  slices: SliceRow[];
  sliceTags: SliceTagRow[];
  tagTypes: TagTypeRow[];
  initscripts: InitScriptRow[];
  sessions: SessionRow[];
  nextIds: { slice: number; sliceTag: number; key: number };
}

/** SECONDS_PER_WEEK: the 2-week default lifetime and the 8-week renewal cap are in weeks. */
export const SECONDS_PER_WEEK = 7 * 24 * 3600;
/** DEFAULT_LIFETIME_SECONDS: a new slice expires two weeks after AddSlice. */
export const DEFAULT_LIFETIME_SECONDS = 2 * SECONDS_PER_WEEK;
/** MAX_RENEWAL_SECONDS: non-admins may not set expires past now + 8 weeks. */
export const MAX_RENEWAL_SECONDS = 8 * SECONDS_PER_WEEK;
