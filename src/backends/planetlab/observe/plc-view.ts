/**
 * readPlcView is the PLC half of one observation: what converge needs of PLC in one
 * system.multicall, whatever the number of slices (planetlab.md §A1, §A5–§A7):
 *
 *   GetSlices([names], fields)                 the slices by name (ours, and any of the same name)
 *   GetSliceTags({name: [names]}, fields)      their tags
 *   GetNodes({hostname: [hosts]}, fields)      the nodes the manifests name
 *   GetPersons({email: [emails, self]}, …)     the people they name, and the account itself
 *   GetSites({login_base: [prefixes]}, …)      the sites of the names (prefix rule, slice limits)
 *
 * Only when a slice is linked to nodes or people nobody asked for (out-of-band edits) does a
 * second multicall read those by id. A no-op pass therefore costs one PLC round trip. Calls with
 * an empty filter list are left out (PLC would build `IN ()`).
 */
import type { PlcApi, PlcCall, PlcResult } from '../plc/plc-api.js';
import {
  NODE_FIELDS,
  PERSON_FIELDS,
  SITE_FIELDS,
  SLICE_FIELDS,
  SLICE_TAG_FIELDS,
  nodeRecord,
  personRecord,
  rows,
  siteRecord,
  sliceRecord,
  sliceTagRecord,
  type NodeRecord,
  type PersonRecord,
  type SiteRecord,
  type SliceRecord,
  type SliceTagRecord,
} from '../plc/plc-records.js';

export interface ViewQuery {
  names: string[];
  hosts: string[];
  emails: string[];
  prefixes: string[];
}

/** PlcView is PLC as one observation saw it. */
export interface PlcView {
  slices: SliceRecord[];
  tagsBySlice: Map<number, SliceTagRecord[]>;
  hostById: Map<number, string>;
  nodeByHost: Map<string, NodeRecord>;
  emailById: Map<number, string>;
  personByEmail: Map<string, PersonRecord>;
  sites: Map<string, SiteRecord>;
  /** caller is the account converge acts as (its roles and sites), when PLC shows it. */
  caller: PersonRecord | undefined;
}

export async function readPlcView(api: PlcApi, query: ViewQuery, signal: AbortSignal): Promise<PlcView> {
  const self = api.username.toLowerCase();
  const emails = [...new Set([...query.emails, self])];
  const calls: Array<[string, PlcCall | undefined]> = [
    ['slices', query.names.length ? { method: 'GetSlices', params: [query.names, SLICE_FIELDS] } : undefined],
    ['tags', query.names.length ? { method: 'GetSliceTags', params: [{ name: query.names }, SLICE_TAG_FIELDS] } : undefined],
    ['nodes', query.hosts.length ? { method: 'GetNodes', params: [{ hostname: query.hosts }, NODE_FIELDS] } : undefined],
    ['persons', { method: 'GetPersons', params: [{ email: emails }, PERSON_FIELDS] }],
    ['sites', query.prefixes.length ? { method: 'GetSites', params: [{ login_base: query.prefixes }, SITE_FIELDS] } : undefined],
  ];
  const present = calls.filter((c): c is [string, PlcCall] => c[1] !== undefined);
  const results = await api.batch(present.map(([, call]) => call), signal);
  const byName = new Map(present.map(([name, call], i) => [name, valuesOf(call.method, results[i]!)]));
  const view = buildView(byName);
  view.caller = view.personByEmail.get(self);
  await readUnknownLinks(api, view, signal);
  return view;
}

function valuesOf(method: string, result: PlcResult): ReturnType<typeof rows> {
  if (!result.ok) throw result.error;
  return rows(method, result.value);
}

function buildView(byName: Map<string, ReturnType<typeof rows>>): PlcView {
  const slices = (byName.get('slices') ?? []).map(sliceRecord);
  const tagsBySlice = new Map<number, SliceTagRecord[]>();
  for (const tag of (byName.get('tags') ?? []).map(sliceTagRecord)) tagsBySlice.set(tag.sliceId, [...(tagsBySlice.get(tag.sliceId) ?? []), tag]);
  const view: PlcView = { slices, tagsBySlice, hostById: new Map(), nodeByHost: new Map(), emailById: new Map(), personByEmail: new Map(), sites: new Map(), caller: undefined };
  addNodes(view, (byName.get('nodes') ?? []).map(nodeRecord));
  addPersons(view, (byName.get('persons') ?? []).map(personRecord));
  for (const site of (byName.get('sites') ?? []).map(siteRecord)) view.sites.set(site.loginBase, site);
  return view;
}

/** readUnknownLinks reads, by id, nodes and people linked to our slices that no manifest names. */
async function readUnknownLinks(api: PlcApi, view: PlcView, signal: AbortSignal): Promise<void> {
  const nodeIds = [...new Set(view.slices.flatMap((s) => s.nodeIds))].filter((id) => !view.hostById.has(id));
  const personIds = [...new Set(view.slices.flatMap((s) => s.personIds))].filter((id) => !view.emailById.has(id));
  const calls: PlcCall[] = [];
  if (nodeIds.length) calls.push({ method: 'GetNodes', params: [nodeIds, NODE_FIELDS] });
  if (personIds.length) calls.push({ method: 'GetPersons', params: [personIds, PERSON_FIELDS] });
  const results = await api.batch(calls, signal);
  calls.forEach((call, i) => {
    const found = valuesOf(call.method, results[i]!);
    if (call.method === 'GetNodes') addNodes(view, found.map(nodeRecord));
    else addPersons(view, found.map(personRecord));
  });
}

function addNodes(view: PlcView, nodes: NodeRecord[]): void {
  for (const node of nodes) {
    view.hostById.set(node.nodeId, node.hostname);
    view.nodeByHost.set(node.hostname, node);
  }
}

function addPersons(view: PlcView, persons: PersonRecord[]): void {
  for (const person of persons) {
    view.emailById.set(person.personId, person.email);
    view.personByEmail.set(person.email, person);
  }
}
