/**
 * Slice ↔ node and slice ↔ person links (planetlab.md §A5). All four are idempotent. Unknown
 * nodes are ignored silently, and `max_nodes` is not enforced; a node with a non-empty
 * whitelist refuses a slice not on it unless the caller belongs to the node's site. Person links
 * need admin or a PI of the slice's site.
 */
import type { XmlRpcValue } from '../../../../../xmlrpc/value.js';
import type { NodeRow, SliceRow } from '../model/types.js';
import { AUTH_PARAM, isAdmin, personOf } from './auth.js';
import { NO_SUCH_SLICE, invalidArgument, permissionDenied } from './faults.js';
import type { MethodContext, PlcMethod } from './method.js';
import { array, int, mixed, str } from './param-check.js';
import { liveSliceOr102, noSuchSliceRepr, requireSliceWriter } from './slice-access.js';

const SLICE_ID_OR_NAME = mixed(int(), str({ max: 64 }));
const NODE_LIST = array(mixed(int(), str({ max: 255 })));
const PERSON_ID_OR_EMAIL = mixed(int(), str({ max: 254 }));

function nodesOf(ctx: MethodContext, list: XmlRpcValue | undefined): NodeRow[] {
  return (list as XmlRpcValue[]).map((n) => ctx.store.node(n as number | string)).filter((n): n is NodeRow => n !== undefined);
}

function checkWhitelist(ctx: MethodContext, slice: SliceRow, node: NodeRow): void {
  if (node.slice_ids_whitelist.length === 0 || node.slice_ids_whitelist.includes(slice.slice_id)) return;
  if (ctx.caller.kind === 'person' && ctx.caller.person.site_ids.includes(node.site_id)) return;
  throw invalidArgument(`${slice.name} is not allowed on ${node.hostname} (not on the whitelist)`);
}

export const addSliceToNodes: PlcMethod = {
  name: 'AddSliceToNodes',
  roles: ['admin', 'pi', 'user'],
  accepts: [
    { name: 'auth', spec: AUTH_PARAM },
    { name: 'slice_id_or_name', spec: SLICE_ID_OR_NAME },
    { name: 'node_id_or_hostname_list', spec: NODE_LIST },
  ],
  minArgs: 3,
  returns: 'int',
  doc: 'Adds the slice to the nodes (unknown nodes are ignored; already-linked nodes are fine).',
  run(ctx, [, idOrName, list]) {
    const slice = liveSliceOr102(ctx, idOrName, noSuchSliceRepr(idOrName));
    requireSliceWriter(ctx, slice);
    const nodes = nodesOf(ctx, list);
    for (const node of nodes) checkWhitelist(ctx, slice, node);
    for (const node of nodes) if (!slice.node_ids.includes(node.node_id)) slice.node_ids.push(node.node_id);
    ctx.store.markChanged();
    return 1;
  },
};

export const deleteSliceFromNodes: PlcMethod = {
  name: 'DeleteSliceFromNodes',
  roles: ['admin', 'pi', 'user'],
  accepts: addSliceToNodes.accepts,
  minArgs: 3,
  returns: 'int',
  doc: 'Removes the slice from the nodes (links that do not exist are ignored).',
  run(ctx, [, idOrName, list]) {
    const slice = liveSliceOr102(ctx, idOrName, noSuchSliceRepr(idOrName));
    requireSliceWriter(ctx, slice);
    const drop = new Set(nodesOf(ctx, list).map((n) => n.node_id));
    slice.node_ids = slice.node_ids.filter((id) => !drop.has(id));
    ctx.store.markChanged();
    return 1;
  },
};

function personLink(name: string, doc: string, denied: string, apply: (slice: SliceRow, personId: number) => void): PlcMethod {
  return {
    name,
    roles: ['admin', 'pi'],
    accepts: [
      { name: 'auth', spec: AUTH_PARAM },
      { name: 'person_id_or_email', spec: PERSON_ID_OR_EMAIL },
      { name: 'slice_id_or_name', spec: SLICE_ID_OR_NAME },
    ],
    minArgs: 3,
    returns: 'int',
    doc,
    run(ctx, [, personIdOrEmail, sliceIdOrName]) {
      const person = ctx.store.person(personIdOrEmail as number | string);
      if (!person) throw invalidArgument('No such account');
      const slice = liveSliceOr102(ctx, sliceIdOrName, NO_SUCH_SLICE);
      if (!isAdmin(ctx.caller) && !personOf(ctx.caller).site_ids.includes(slice.site_id)) throw permissionDenied(denied);
      apply(slice, person.person_id);
      ctx.store.markChanged();
      return 1;
    },
  };
}

export const addPersonToSlice = personLink('AddPersonToSlice', 'Adds the person to the slice (no error if already a member).', 'Not allowed to add users to this slice', (slice, id) => {
  if (!slice.person_ids.includes(id)) slice.person_ids.push(id);
});

export const deletePersonFromSlice = personLink('DeletePersonFromSlice', 'Removes the person from the slice (no error if not a member).', 'Not allowed to delete users from this slice', (slice, id) => {
  slice.person_ids = slice.person_ids.filter((p) => p !== id);
});
