/**
 * PLC rows as converge reads them (planetlab.md §A4–§A6), parsed from XML-RPC structs at the
 * edge. Each reader asks for exactly the columns below (`return_fields`), so replies stay small
 * however many columns PLC has. Host names and e-mail addresses are lower-cased: PLC compares
 * them case-insensitively.
 */
import { ConvergeError } from '../../../errors/converge-error.js';
import { isStruct, type XmlRpcStruct, type XmlRpcValue } from '../../../xmlrpc/value.js';

export interface SliceRecord {
  sliceId: number;
  siteId: number;
  name: string;
  instantiation: string;
  url: string | null;
  description: string | null;
  maxNodes: number;
  /** created and expires are epoch seconds. */
  created: number;
  expires: number;
  nodeIds: number[];
  personIds: number[];
}

export interface SliceTagRecord {
  sliceTagId: number;
  sliceId: number;
  tagname: string;
  value: string;
  /** nodeId / nodegroupId set: a sliver or node-group tag, not slice-wide. */
  nodeId: number | null;
  nodegroupId: number | null;
}

export interface NodeRecord {
  nodeId: number;
  hostname: string;
}

export interface PersonRecord {
  personId: number;
  email: string;
  roles: string[];
  siteIds: number[];
}

export interface SiteRecord {
  siteId: number;
  loginBase: string;
  maxSlices: number;
  enabled: boolean;
  sliceIds: number[];
}

export const SLICE_FIELDS = ['slice_id', 'site_id', 'name', 'instantiation', 'url', 'description', 'max_nodes', 'created', 'expires', 'node_ids', 'person_ids'];
export const SLICE_TAG_FIELDS = ['slice_tag_id', 'slice_id', 'tagname', 'value', 'node_id', 'nodegroup_id'];
export const NODE_FIELDS = ['node_id', 'hostname'];
export const PERSON_FIELDS = ['person_id', 'email', 'roles', 'site_ids'];
export const SITE_FIELDS = ['site_id', 'login_base', 'max_slices', 'enabled', 'slice_ids'];

export function sliceRecord(row: XmlRpcStruct): SliceRecord {
  return {
    sliceId: int(row.slice_id, 'slice_id'),
    siteId: int(row.site_id, 'site_id'),
    name: str(row.name),
    instantiation: str(row.instantiation),
    url: nullableStr(row.url),
    description: nullableStr(row.description),
    maxNodes: int(row.max_nodes, 'max_nodes'),
    created: int(row.created, 'created'),
    expires: int(row.expires, 'expires'),
    nodeIds: ints(row.node_ids),
    personIds: ints(row.person_ids),
  };
}

export function sliceTagRecord(row: XmlRpcStruct): SliceTagRecord {
  return {
    sliceTagId: int(row.slice_tag_id, 'slice_tag_id'),
    sliceId: int(row.slice_id, 'slice_id'),
    tagname: str(row.tagname),
    value: str(row.value ?? ''),
    nodeId: nullableInt(row.node_id),
    nodegroupId: nullableInt(row.nodegroup_id),
  };
}

export function nodeRecord(row: XmlRpcStruct): NodeRecord {
  return { nodeId: int(row.node_id, 'node_id'), hostname: str(row.hostname).toLowerCase() };
}

export function personRecord(row: XmlRpcStruct): PersonRecord {
  const roles = Array.isArray(row.roles) ? row.roles.map(String) : [];
  return { personId: int(row.person_id, 'person_id'), email: str(row.email).toLowerCase(), roles, siteIds: ints(row.site_ids) };
}

export function siteRecord(row: XmlRpcStruct): SiteRecord {
  return {
    siteId: int(row.site_id, 'site_id'),
    loginBase: str(row.login_base),
    maxSlices: int(row.max_slices, 'max_slices'),
    enabled: row.enabled === true || row.enabled === 1,
    sliceIds: ints(row.slice_ids),
  };
}

/** rows reads a Get* reply: a list of structs. */
export function rows(method: string, value: XmlRpcValue): XmlRpcStruct[] {
  if (!Array.isArray(value) || !value.every(isStruct)) throw new ConvergeError('TERMINAL', 'PLC_BAD_REPLY', `${method}: the reply is not a list of records`, { method });
  return value as XmlRpcStruct[];
}

function int(value: XmlRpcValue | undefined, field: string): number {
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new ConvergeError('TERMINAL', 'PLC_BAD_REPLY', `PLC returned no number for ${field}`);
  return n;
}

function nullableInt(value: XmlRpcValue | undefined): number | null {
  return value === null || value === undefined ? null : int(value, 'id');
}

function ints(value: XmlRpcValue | undefined): number[] {
  return Array.isArray(value) ? value.map((v) => int(v, 'id')) : [];
}

function str(value: XmlRpcValue | undefined): string {
  return value === null || value === undefined ? '' : String(value);
}

function nullableStr(value: XmlRpcValue | undefined): string | null {
  return value === null || value === undefined ? null : String(value);
}
