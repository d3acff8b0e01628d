/**
 * realizeLinks makes a slice's nodes, people and managed tags what the spec says, from what was
 * observed (or, right after AddSlice, from nothing). Level-based: a create cut short is finished
 * by the next pass's update. Nodes go in two list calls; people one call each (PLC has no list
 * form, and one call per person shows which one failed); tags per tag-changes.ts. PLC ignores
 * unknown hosts silently, which is why the plan-time check refuses them first.
 */
import type { ApplyContext } from '../../driver.js';
import type { PlcApi } from '../plc/plc-api.js';
import type { SliceTagRecord } from '../plc/plc-records.js';
import type { SliceObjectSpec } from '../spec/slice-spec.js';
import { tagChanges, type TagOp } from './tag-changes.js';

/** LiveSlice is what realizeLinks compares with: ids by host and e-mail, and current tags. */
export interface LiveSlice {
  sliceId: number;
  name: string;
  nodeIdsByHost: Record<string, number>;
  personIdsByEmail: Record<string, number>;
  tags: SliceTagRecord[];
}

/** wantedTags are the spec's tags plus `delegations` from the controller. */
export function wantedTags(spec: SliceObjectSpec): Record<string, string[]> {
  const tags = Object.fromEntries(Object.entries(spec.tags).map(([name, value]) => [name, Array.isArray(value) ? value : [value]]));
  if (spec.controller !== undefined) tags.delegations = [spec.controller];
  return tags;
}

export async function realizeLinks(api: PlcApi, spec: SliceObjectSpec, live: LiveSlice, ctx: ApplyContext): Promise<void> {
  await realizeNodes(api, spec, live, ctx);
  await realizePersons(api, spec, live, ctx);
  await realizeTags(api, spec, live, ctx);
}

async function realizeNodes(api: PlcApi, spec: SliceObjectSpec, live: LiveSlice, ctx: ApplyContext): Promise<void> {
  const add = spec.nodes.filter((host) => !(host in live.nodeIdsByHost));
  const remove = Object.entries(live.nodeIdsByHost).filter(([host]) => !spec.nodes.includes(host)).map(([, id]) => id);
  if (add.length) await ctx.mutate('AddSliceToNodes', `${live.name} +${add.length} node(s)`, () => api.mutate('AddSliceToNodes', [live.sliceId, add], ctx.signal));
  if (remove.length) await ctx.mutate('DeleteSliceFromNodes', `${live.name} -${remove.length} node(s)`, () => api.mutate('DeleteSliceFromNodes', [live.sliceId, remove], ctx.signal));
}

async function realizePersons(api: PlcApi, spec: SliceObjectSpec, live: LiveSlice, ctx: ApplyContext): Promise<void> {
  for (const email of spec.persons.filter((e) => !(e in live.personIdsByEmail))) {
    await ctx.mutate('AddPersonToSlice', `${email} → ${live.name}`, () => api.mutate('AddPersonToSlice', [email, live.sliceId], ctx.signal));
  }
  for (const [email, id] of Object.entries(live.personIdsByEmail).filter(([e]) => !spec.persons.includes(e))) {
    await ctx.mutate('DeletePersonFromSlice', `${email} ← ${live.name}`, () => api.mutate('DeletePersonFromSlice', [id, live.sliceId], ctx.signal));
  }
}

async function realizeTags(api: PlcApi, spec: SliceObjectSpec, live: LiveSlice, ctx: ApplyContext): Promise<void> {
  const wanted = wantedTags(spec);
  const names = [...Object.keys(wanted), ...live.tags.map((t) => t.tagname).filter((n) => n !== 'delegations' || spec.controller !== undefined)];
  for (const op of tagChanges(wanted, live.tags, names)) await applyTagOp(api, live, op, ctx);
}

function applyTagOp(api: PlcApi, live: LiveSlice, op: TagOp, ctx: ApplyContext): Promise<unknown> {
  switch (op.op) {
    case 'add':
      return ctx.mutate('AddSliceTag', `${live.name} ${op.name}`, () => api.mutate('AddSliceTag', [live.sliceId, op.name, op.value], ctx.signal));
    case 'update':
      return ctx.mutate('UpdateSliceTag', `${live.name} ${op.name}`, () => api.mutate('UpdateSliceTag', [op.id, op.value], ctx.signal));
    case 'delete':
      return ctx.mutate('DeleteSliceTag', `${live.name} ${op.name}`, () => api.mutate('DeleteSliceTag', [op.id], ctx.signal));
  }
}
