/**
 * sliceFacts turns the PLC view into observed Slice objects: only slices whose description
 * carries converge's marker for this owner; the key is the marker's. A desired slice name held
 * by any other slice is `foreign` (never adopted: create refuses it without a call).
 *
 * Specs are normalised against the desired spec (crossplane's Observe gets the managed resource
 * too): fields the manifest leaves unmanaged (url, description, maxNodes) are reported only when
 * it manages them, and tags only for the names it manages now or managed before (state's
 * `extra.tags`), so a tag dropped from the manifest is deleted once, and tags PLC adds itself
 * (hrn, vsys defaults) are never touched.
 */
import type { ObjectRecord } from '../../../state/types.js';
import type { DesiredObject, ObservedObject } from '../../driver.js';
import type { SliceRecord, SliceTagRecord } from '../plc/plc-records.js';
import { readMarker } from '../spec/ownership-marker.js';
import { isSliverKey, tagValue, type SliceObjectSpec } from '../spec/slice-spec.js';
import type { PlcView } from './plc-view.js';
import { renewalFacts, type RenewalFacts } from './renewal-facts.js';

/** SliceDetail is what apply needs of a live slice (driver-private, never diffed). */
export interface SliceDetail {
  sliceId: number;
  name: string;
  created: number;
  expires: number;
  hosts: string[];
  /** nodeIdsByHost / personIdsByEmail: the links; an id PLC does not name for us is `#<id>`. */
  nodeIdsByHost: Record<string, number>;
  personIdsByEmail: Record<string, number>;
  /** tags are the slice-wide tags of every managed name. */
  tags: SliceTagRecord[];
  renewal: RenewalFacts;
}

/** SliceRecordExtra is what state keeps of a slice besides its ids. */
export interface SliceRecordExtra {
  account: string;
  expires: string;
  tags: string[];
}

export interface SliceFacts {
  objects: ObservedObject[];
  /** foreign maps a desired slice name to why the live slice of that name is not ours. */
  foreign: Map<string, string>;
}

export interface SliceFactsContext {
  backend: string;
  owner: string;
  account: string;
  isAdmin: boolean;
  now: Date;
  desired: readonly DesiredObject[];
  records: readonly ObjectRecord[];
}

export function sliceFacts(view: PlcView, ctx: SliceFactsContext): SliceFacts {
  const desiredByKey = new Map(ctx.desired.filter((d) => !isSliverKey(d.key)).map((d) => [d.key, d.spec as unknown as SliceObjectSpec]));
  const desiredNames = new Set([...desiredByKey.values()].map((s) => s.name));
  const recordedTags = new Map(ctx.records.map((r) => [r.key, (r.extra as Partial<SliceRecordExtra> | undefined)?.tags ?? []]));
  const result: SliceFacts = { objects: [], foreign: new Map() };
  for (const slice of view.slices) {
    const { marker, text } = readMarker(slice.description);
    if (!marker || marker.owner !== ctx.owner) {
      if (desiredNames.has(slice.name)) result.foreign.set(slice.name, foreignReason(slice, marker?.owner));
      continue;
    }
    const desired = desiredByKey.get(marker.key);
    result.objects.push(observedSlice(view, slice, text, marker.key, desired, recordedTags.get(marker.key) ?? [], ctx));
  }
  return result;
}

function foreignReason(slice: SliceRecord, owner: string | undefined): string {
  const whose = owner ? `it carries the marker of another converge owner (${owner})` : 'it carries no converge marker in its description (it was made outside converge)';
  return `slice ${slice.name} (slice_id ${slice.sliceId}) already exists at PLC and is not this converge's: ${whose}. converge never adopts it; choose another name, or remove that slice at PLC`;
}

function observedSlice(view: PlcView, slice: SliceRecord, text: string | null, key: string, desired: SliceObjectSpec | undefined, recordedTags: string[], ctx: SliceFactsContext): ObservedObject {
  const hosts = slice.nodeIds.map((id) => view.hostById.get(id) ?? `#${id}`);
  const emails = slice.personIds.map((id) => view.emailById.get(id) ?? `#${id}`);
  const sliceWide = (view.tagsBySlice.get(slice.sliceId) ?? []).filter((t) => t.nodeId === null && t.nodegroupId === null);
  const managed = [...new Set([...Object.keys(desired?.tags ?? {}), ...recordedTags])].filter((n) => n !== 'delegations');
  const renewal = renewalFacts(slice.expires, desired?.renewal, ctx.now, ctx.isAdmin);
  const spec: SliceObjectSpec = { name: slice.name, instantiation: slice.instantiation, nodes: [...hosts].sort(), persons: [...emails].sort(), tags: tagsOf(sliceWide, desired ? managed : undefined) };
  if (!desired || desired.url !== undefined) spec.url = slice.url ?? '';
  if (!desired || desired.description !== undefined) spec.description = text ?? '';
  if (!desired || desired.maxNodes !== undefined) spec.maxNodes = slice.maxNodes;
  const delegations = sliceWide.filter((t) => t.tagname === 'delegations').map((t) => t.value);
  if ((!desired || desired.controller !== undefined) && delegations.length > 0) spec.controller = delegations.join(',');
  if (desired?.renewalDue !== undefined) spec.renewalDue = renewal.due;
  const stillManaged = managed.filter((n) => (desired?.tags[n] !== undefined) || sliceWide.some((t) => t.tagname === n));
  const detail: SliceDetail = {
    sliceId: slice.sliceId,
    name: slice.name,
    created: slice.created,
    expires: slice.expires,
    hosts,
    nodeIdsByHost: Object.fromEntries(slice.nodeIds.map((id, i) => [hosts[i]!, id])),
    personIdsByEmail: Object.fromEntries(slice.personIds.map((id, i) => [emails[i]!, id])),
    tags: sliceWide.filter((t) => t.tagname === 'delegations' || managed.includes(t.tagname)),
    renewal,
  };
  const extra: SliceRecordExtra = { account: ctx.account, expires: new Date(slice.expires * 1000).toISOString(), tags: stillManaged };
  return {
    key,
    kind: 'Slice',
    backend: ctx.backend,
    ids: { slice_id: String(slice.sliceId), name: slice.name },
    spec: spec as unknown as ObservedObject['spec'],
    status: { phase: 'ready' },
    detail,
    extra: extra as unknown as Record<string, unknown>,
    lease: renewal.lease,
    ...(hosts.length > 0 ? { access: { nodes: hosts.map((hostname) => ({ of: 'node', hostname })) } } : {}),
  };
}

/** tagsOf groups slice-wide tags by name: every name, or only `names`. */
function tagsOf(tags: SliceTagRecord[], names: string[] | undefined): Record<string, string | string[]> {
  const grouped = new Map<string, string[]>();
  for (const tag of tags) {
    if (tag.tagname === 'delegations' || (names && !names.includes(tag.tagname))) continue;
    grouped.set(tag.tagname, [...(grouped.get(tag.tagname) ?? []), tag.value]);
  }
  return Object.fromEntries([...grouped].sort(([a], [b]) => a.localeCompare(b)).map(([name, values]) => [name, tagValue(values)]));
}
