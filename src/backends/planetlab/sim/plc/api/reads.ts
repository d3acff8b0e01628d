/**
 * The read methods: GetSites, GetNodes, GetPersons, GetTagTypes, GetKeys, GetSlices and
 * GetSliceTags, each `(auth, filter=None, return_fields=None)` with the upstream visibility rules.
 * GetSlices and GetSliceTags return `[]` at once to a non-admin who can see no slice (before
 * looking at the other arguments, as PLC does), and GetSlices adds `slice_id` to the columns
 * it needs and drops it from the reply when it was not asked for.
 */
import type { XmlRpcValue } from '../../../../../xmlrpc/value.js';
import { SLICE_TAG_COLUMNS, keyView, nodeView, personView, siteView, sliceTagView, sliceView, tagTypeView, tagsBySlice } from '../model/rows.js';
import type { MethodRole } from '../model/types.js';
import { AUTH_PARAM, type Caller } from './auth.js';
import type { Row } from './filter.js';
import type { MethodContext, PlcMethod } from './method.js';
import { checkReturnFields, filterParam, project, returnFieldsParam, selectRows, type TableSpec } from './query.js';
import { KEYS, NODES, PERSONS, SITES, SLICES, SLICE_TAGS, TAG_TYPES } from './tables.js';
import { nodeVisible, personVisible, visibleSliceIds } from './visibility.js';

type RowSource = (ctx: MethodContext) => Row[];

function readMethod(name: string, roles: readonly MethodRole[], table: TableSpec, rows: RowSource, doc: string): PlcMethod {
  return {
    name,
    roles,
    accepts: readParams(table),
    minArgs: 1,
    returns: 'array',
    doc,
    run(ctx, [, filter, returnFields]) {
      const columns = checkReturnFields(table, returnFields);
      return project(table, selectRows(table, rows(ctx), filter), columns);
    },
  };
}

function readParams(table: TableSpec): PlcMethod['accepts'] {
  const filterName = `${table.className.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase()}_filter`;
  return [
    { name: 'auth', spec: AUTH_PARAM },
    { name: filterName, spec: filterParam(table) },
    { name: 'return_fields', spec: returnFieldsParam },
  ];
}

const isAdminCaller = (caller: Caller): boolean => caller.kind === 'person' && caller.person.roles.includes('admin');

export const getSites = readMethod('GetSites', ['admin', 'pi', 'user', 'tech', 'node', 'anonymous'], SITES, (ctx) => ctx.store.state.sites.map((s) => siteView(ctx.store, s)), 'Returns an array of structs containing details about sites.');

export const getNodes = readMethod(
  'GetNodes',
  ['admin', 'pi', 'user', 'tech', 'node', 'anonymous'],
  NODES,
  (ctx) => ctx.store.state.nodes.filter((n) => nodeVisible(ctx.store, ctx.caller, n)).map((n) => nodeView(ctx.store, n)),
  'Returns an array of structs containing details about nodes; whitelisted nodes only to those allowed on them.',
);

export const getPersons = readMethod(
  'GetPersons',
  ['admin', 'pi', 'user', 'tech', 'node'],
  PERSONS,
  (ctx) => ctx.store.state.persons.filter((p) => personVisible(ctx.caller, p)).map((p) => personView(ctx.store, p)),
  'Returns an array of structs containing details about accounts the caller may see.',
);

export const getTagTypes = readMethod('GetTagTypes', ['admin', 'pi', 'user', 'tech', 'node'], TAG_TYPES, (ctx) => ctx.store.state.tagTypes.map(tagTypeView), 'Returns an array of structs containing details about tag types.');

export const getKeys = readMethod(
  'GetKeys',
  ['admin', 'pi', 'user', 'tech', 'node'],
  KEYS,
  (ctx) => ctx.store.state.keys.filter((k) => isAdminCaller(ctx.caller) || (ctx.caller.kind === 'person' && k.person_id === ctx.caller.person.person_id)).map(keyView),
  'Returns an array of structs containing details about keys; non-admins see their own.',
);

export const getSlices: PlcMethod = {
  name: 'GetSlices',
  roles: ['admin', 'pi', 'user', 'node'],
  accepts: [
    { name: 'auth', spec: AUTH_PARAM },
    { name: 'slice_filter', spec: filterParam(SLICES) },
    { name: 'return_fields', spec: returnFieldsParam },
  ],
  minArgs: 1,
  returns: 'array',
  doc: 'Returns an array of structs containing details about live slices the caller may see (members, PIs of the site, admins).',
  run(ctx, [, filter, returnFields]) {
    const visible = visibleSliceIds(ctx.store, ctx.caller);
    if (visible !== 'all' && visible.length === 0) return [];
    const columns = checkReturnFields(SLICES, returnFields);
    const effectiveFilter: XmlRpcValue | undefined = visible !== 'all' && (filter === null || filter === undefined) ? visible : filter;
    const tags = tagsBySlice(ctx.store);
    const withTagColumns = columns?.some((c) => (SLICE_TAG_COLUMNS as readonly string[]).includes(c)) ?? false;
    const rows = ctx.store.liveSlices(ctx.now).map((s) => sliceView(ctx.store, s, tags.get(s.slice_id) ?? [], withTagColumns));
    const allowed = visible === 'all' ? undefined : new Set(visible);
    const selected = selectRows(SLICES, rows, effectiveFilter).filter((r) => !allowed || allowed.has(Number(r.slice_id)));
    return project(SLICES, selected, columns);
  },
};

export const getSliceTags: PlcMethod = {
  name: 'GetSliceTags',
  roles: ['admin', 'pi', 'user', 'node'],
  accepts: [
    { name: 'auth', spec: AUTH_PARAM },
    { name: 'slice_tag_filter', spec: filterParam(SLICE_TAGS) },
    { name: 'return_fields', spec: returnFieldsParam },
  ],
  minArgs: 1,
  returns: 'array',
  doc: 'Returns an array of structs containing details about slice and sliver tags of slices the caller may see.',
  run(ctx, [, filter, returnFields]) {
    const visible = visibleSliceIds(ctx.store, ctx.caller);
    const allowed = visible === 'all' ? undefined : new Set(visible);
    const tags = ctx.store.state.sliceTags.filter((t) => !allowed || allowed.has(t.slice_id));
    if (visible !== 'all' && tags.length === 0) return [];
    const columns = checkReturnFields(SLICE_TAGS, returnFields);
    const effectiveFilter: XmlRpcValue | undefined = visible !== 'all' && (filter === null || filter === undefined) ? tags.map((t) => t.slice_tag_id) : filter;
    const names = new Map(ctx.store.state.slices.map((s) => [s.slice_id, s.name]));
    const selected = selectRows(SLICE_TAGS, tags.map((t) => sliceTagView(ctx.store, t, (id) => names.get(id))), effectiveFilter);
    return project(SLICE_TAGS, selected, columns);
  },
};
