/**
 * Who may write a slice tag (PLC/AuthorizeHelpers.py caller_may_write_slice_tag, §A5): admins
 * always; otherwise the caller needs a role in the tag type's roles (none: admin-only), and a
 * `user` role counts only for a member of the slice, a `pi` role only at the slice's site. Only
 * admins may set nodegroup tags; a sliver tag needs its node in the slice. Every refusal is 108.
 * The sliver-tag text keeps upstream's unformatted `%s`.
 */
import type { NodeRow, SliceRow, TagTypeRow } from '../model/types.js';
import { isAdmin, personOf } from './auth.js';
import { permissionDenied } from './faults.js';
import type { MethodContext } from './method.js';

/** SliverNode: whether the call names a node, and that node if PLC knows it. */
export interface SliverNode {
  given: boolean;
  node?: NodeRow;
}

/** requireTagWriter returns when the caller may write this tag, or throws the 108 PLC gives. */
export function requireTagWriter(ctx: MethodContext, slice: SliceRow, type: TagTypeRow, sliver: SliverNode, nodegroup: boolean): void {
  if (isAdmin(ctx.caller)) return;
  const person = personOf(ctx.caller);
  const common = person.roles.filter((r) => type.roles.includes(r));
  if (common.length === 0) throw permissionDenied(`Cannot write slice tag ${type.tagname}`);
  if (nodegroup) throw permissionDenied(`Cannot set slice tag ${type.tagname} on nodegroup - restricted to admins`);
  if (sliver.given && !(sliver.node && slice.node_ids.includes(sliver.node.node_id))) throw permissionDenied('%s, node must be in slice when setting sliver tag');
  const granted = common.some((role) => (role === 'user' ? slice.person_ids.includes(person.person_id) : role === 'pi' ? person.site_ids.includes(slice.site_id) : false));
  if (!granted) throw permissionDenied(`Cannot write slice tag ${type.tagname}`);
}
