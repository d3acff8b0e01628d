/**
 * Upstream PLC's read visibility (§A5 GetSlices, §A6): what a non-admin caller may see. Rows
 * outside it are silently dropped, never refused.
 */
import type { PlcStore } from '../model/store.js';
import type { NodeRow, PersonRow } from '../model/types.js';
import type { Caller } from './auth.js';

/**
 * visibleSliceIds: admins see all; a person sees the slices they belong to, a PI also every
 * slice of their sites, a tech also the slices on their sites' nodes.
 */
export function visibleSliceIds(store: PlcStore, caller: Caller): number[] | 'all' {
  if (caller.kind !== 'person') return [];
  const person = caller.person;
  if (person.roles.includes('admin')) return 'all';
  const ids = new Set(store.personSliceIds(person.person_id));
  if (person.roles.includes('pi')) for (const siteId of person.site_ids) for (const id of store.siteSliceIds(siteId)) ids.add(id);
  if (person.roles.includes('tech')) {
    for (const node of store.state.nodes.filter((n) => person.site_ids.includes(n.site_id))) for (const id of store.nodeSliceIds(node.node_id)) ids.add(id);
  }
  return [...ids];
}

/** nodeVisible: a whitelisted node shows only to admins, its site's people, and slices on its whitelist. */
export function nodeVisible(store: PlcStore, caller: Caller, node: NodeRow): boolean {
  if (node.slice_ids_whitelist.length === 0) return true;
  if (caller.kind !== 'person') return false;
  const person = caller.person;
  if (person.roles.includes('admin') || person.site_ids.includes(node.site_id)) return true;
  return store.personSliceIds(person.person_id).some((id) => node.slice_ids_whitelist.includes(id));
}

/** personVisible: users see themselves; PIs and techs their sites' people; admins everyone. */
export function personVisible(caller: Caller, subject: PersonRow): boolean {
  if (caller.kind !== 'person') return false;
  const person = caller.person;
  if (person.roles.includes('admin') || person.person_id === subject.person_id) return true;
  if (person.roles.includes('pi') || person.roles.includes('tech')) return subject.site_ids.some((id) => person.site_ids.includes(id));
  return false;
}
