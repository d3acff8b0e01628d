/**
 * Creating, changing and deleting a slice at PLC (planetlab.md §A5):
 * - create: AddSlice (name, instantiation, url, max_nodes, and the description carrying the
 *   ownership marker), then the links (slice-links.ts). A name held by a slice that is not ours
 *   is refused before any call, and AddSlice's "already in use" is the same refusal.
 * - update: one UpdateSlice for every changed scalar plus `expires` when renewal is due (to the
 *   date observe decided, clamped under PLC's 8-week cap), then the links.
 * - delete: DeleteSlice; a slice already gone counts as deleted.
 * PLC's refusals (a renewal it will not grant, a site that may not create slices) are INVALID
 * and not retried.
 */
import { ConvergeError, isKind } from '../../../errors/converge-error.js';
import type { XmlRpcStruct } from '../../../xmlrpc/value.js';
import type { ApplyContext, ApplyResult, DesiredObject, ObservedObject } from '../../driver.js';
import type { SliceDetail, SliceRecordExtra } from '../observe/slice-facts.js';
import type { PlcApi } from '../plc/plc-api.js';
import { withMarker } from '../spec/ownership-marker.js';
import type { SliceObjectSpec } from '../spec/slice-spec.js';
import { realizeLinks, wantedTags } from './slice-links.js';

export interface SliceApplyDeps {
  api: PlcApi;
  /** foreign says why a live slice of this name is not ours (from the last observation). */
  foreign(name: string): string | undefined;
}

export async function createSlice(deps: SliceApplyDeps, desired: DesiredObject, ctx: ApplyContext): Promise<ApplyResult> {
  const spec = desired.spec as unknown as SliceObjectSpec;
  const taken = deps.foreign(spec.name);
  if (taken) throw new ConvergeError('INVALID', 'SLICE_NAME_TAKEN', taken, { name: spec.name });
  const fields: XmlRpcStruct = { name: spec.name, instantiation: spec.instantiation, description: withMarker(spec.description, { owner: ctx.owner, key: desired.key }) };
  if (spec.url !== undefined) fields.url = spec.url;
  if (spec.maxNodes !== undefined) fields.max_nodes = spec.maxNodes;
  let sliceId: number;
  try {
    const id = await ctx.mutate('AddSlice', spec.name, () => deps.api.mutate('AddSlice', [fields], ctx.signal), (value) => ({ slice_id: String(value) }), { name: spec.name });
    sliceId = Number(id);
  } catch (error) {
    if (error instanceof ConvergeError && error.code === 'PLC_NAME_IN_USE') {
      throw new ConvergeError('INVALID', 'SLICE_NAME_TAKEN', `slice ${spec.name} already exists at PLC and is not this converge's; converge never adopts it (${error.message})`, { name: spec.name });
    }
    throw error;
  }
  await realizeLinks(deps.api, spec, { sliceId, name: spec.name, nodeIdsByHost: {}, personIdsByEmail: {}, tags: [] }, ctx);
  return { ids: { slice_id: String(sliceId), name: spec.name }, extra: extraOf(deps, spec) };
}

export async function updateSlice(deps: SliceApplyDeps, desired: DesiredObject, observed: ObservedObject, ctx: ApplyContext): Promise<ApplyResult> {
  const spec = desired.spec as unknown as SliceObjectSpec;
  const have = observed.spec as unknown as SliceObjectSpec;
  const detail = observed.detail as SliceDetail;
  const fields = scalarChanges(spec, have, detail, { owner: ctx.owner, key: desired.key });
  if (Object.keys(fields).length > 0) {
    const what = Object.keys(fields).join(', ');
    ctx.progress(fields.expires !== undefined ? `renewing ${detail.name} until ${new Date(Number(fields.expires) * 1000).toISOString()}` : `UpdateSlice ${what}`);
    await ctx.mutate('UpdateSlice', `${detail.name} ${what}`, () => deps.api.mutate('UpdateSlice', [detail.sliceId, fields], ctx.signal));
  }
  await realizeLinks(deps.api, spec, detail, ctx);
  const expires = typeof fields.expires === 'number' ? fields.expires : detail.expires;
  return { ids: observed.ids, extra: { ...extraOf(deps, spec), expires: new Date(expires * 1000).toISOString() } };
}

/** scalarChanges lists the UpdateSlice fields that differ, and `expires` when renewal is due. */
function scalarChanges(spec: SliceObjectSpec, have: SliceObjectSpec, detail: SliceDetail, marker: { owner: string; key: string }): XmlRpcStruct {
  const fields: XmlRpcStruct = {};
  if (spec.instantiation !== have.instantiation) fields.instantiation = spec.instantiation;
  if (spec.url !== undefined && spec.url !== have.url) fields.url = spec.url;
  if (spec.description !== undefined && spec.description !== have.description) fields.description = withMarker(spec.description, marker);
  if (spec.maxNodes !== undefined && spec.maxNodes !== have.maxNodes) fields.max_nodes = spec.maxNodes;
  if (spec.renewalDue === false && detail.renewal.due && detail.renewal.renewTo !== undefined) fields.expires = detail.renewal.renewTo;
  return fields;
}

export async function deleteSlice(api: PlcApi, observed: ObservedObject, ctx: ApplyContext): Promise<ApplyResult> {
  const detail = observed.detail as SliceDetail;
  try {
    await ctx.mutate('DeleteSlice', detail.name, () => api.mutate('DeleteSlice', [detail.sliceId], ctx.signal));
  } catch (error) {
    if (!isKind(error, 'NOT_FOUND')) throw error;
    ctx.progress(`${detail.name} was already gone at PLC`);
  }
  return {};
}

function extraOf(deps: SliceApplyDeps, spec: SliceObjectSpec): Partial<SliceRecordExtra> {
  return { account: deps.api.username, tags: Object.keys(wantedTags(spec)).filter((n) => n !== 'delegations') };
}
