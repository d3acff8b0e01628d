/**
 * Creating, updating and deleting IM infrastructures. Every mutating call goes through
 * `ctx.mutate` (journal first). Update turns the planner's field changes into IM calls, in an
 * order that never strands VMs: add, remove (highest VM ids first), resize, recipes, power.
 */
import { isKind } from '../../errors/converge-error.js';
import type { FieldChange } from '../../plan/types.js';
import type { ApplyContext, ApplyResult, DesiredObject, ObservedObject } from '../driver.js';
import type { ImApi } from './im-api.js';
import type { ImDetail } from './im-observe.js';
import type { ImSpec } from './im-spec.js';
import { toMegabytes } from './im-spec.js';
import { addResourceRadl, alterVmRadl, createRadl, reconfigureRadl } from './radl-write.js';

type DesiredIm = ImSpec & { memoryBytes: Record<string, number> };

export async function createIm(api: ImApi, desired: DesiredObject, ctx: ApplyContext): Promise<ApplyResult> {
  const spec = desired.spec as unknown as DesiredIm;
  const radl = createRadl(spec, spec.memoryBytes, (s) => spec.systems[s]?.cpu ?? 1, { owner: ctx.owner, key: desired.key });
  const vms = Object.values(spec.deploy).reduce((a, b) => a + b, 0);
  ctx.progress(`CreateInfrastructure (${vms} VM(s); IM answers once every VM is launched)`);
  const infId = await ctx.mutate('CreateInfrastructure', desired.key, () => api.create(radl, ctx.signal), (id) => ({ infId: id }), { vms });
  if (spec.power === 'stopped') await ctx.mutate('StopInfrastructure', infId, () => api.power(infId, 'StopInfrastructure', ctx.signal));
  return { ids: { infId } };
}

export async function deleteIm(api: ImApi, observed: ObservedObject, ctx: ApplyContext): Promise<ApplyResult> {
  const infId = observed.ids.infId!;
  try {
    await ctx.mutate('DestroyInfrastructure', infId, () => api.destroy(infId, ctx.signal));
  } catch (error) {
    // A second destroy answers "Invalid infrastructure ID": it is already gone, which is success.
    if (!isKind(error, 'NOT_FOUND')) throw error;
  }
  return {};
}

export async function updateIm(api: ImApi, desired: DesiredObject, observed: ObservedObject, changes: FieldChange[], ctx: ApplyContext): Promise<ApplyResult> {
  const spec = desired.spec as unknown as DesiredIm;
  const detail = observed.detail as ImDetail;
  const infId = detail.infId;
  const changed = (prefix: string): FieldChange[] => changes.filter((c) => c.path === prefix || c.path.startsWith(`${prefix}.`));

  // One call at a time, each answered before the next: IM corrupts an infrastructure's VM list
  // when changes overlap (apis/im.md §g); the engine holds further changes while VMs settle.
  for (const change of changed('deploy')) {
    const system = change.path.split('.')[1]!;
    const delta = Number(change.after ?? 0) - Number(change.before ?? 0);
    if (delta > 0) await addVms(api, infId, spec, detail, system, delta, ctx);
    if (delta < 0) await removeVms(api, infId, detail, system, -delta, ctx);
  }
  await resizeVms(api, infId, spec, detail, changes, ctx);
  const recipes = changes.filter((c) => /^systems\.[^.]+\.configure$/.test(c.path));
  if (recipes.length > 0) {
    const text = reconfigureRadl(recipes.map((c) => [c.path.split('.')[1]!, typeof c.after === 'string' ? c.after : null]));
    await ctx.mutate('Reconfigure', infId, () => api.reconfigure(infId, text, ctx.signal));
  }
  if (changed('power').length > 0 && spec.power !== null) {
    const method = spec.power === 'stopped' ? 'StopInfrastructure' : 'StartInfrastructure';
    await ctx.mutate(method, infId, () => api.power(infId, method, ctx.signal));
  }
  return { ids: { infId } };
}

async function addVms(api: ImApi, infId: string, spec: DesiredIm, detail: ImDetail, system: string, count: number, ctx: ApplyContext): Promise<void> {
  ctx.progress(`AddResource ${system} +${count}`);
  const radl = addResourceRadl(Object.keys(spec.networks), system, count);
  const before = detail.vms.filter((v) => v.system === system).length;
  await ctx.mutate('AddResource', `${infId} ${system} +${count}`, () => api.addResource(infId, radl, ctx.signal), (ids) => ({ vmIds: ids }), { infId, system, count, before });
}

async function removeVms(api: ImApi, infId: string, detail: ImDetail, system: string, count: number, ctx: ApplyContext): Promise<void> {
  const victims = detail.vms
    .filter((v) => v.system === system)
    .map((v) => v.id)
    .sort((a, b) => b - a)
    .slice(0, count);
  if (victims.length === 0) return;
  ctx.progress(`RemoveResource ${system} ${victims.join(',')}`);
  await ctx.mutate('RemoveResource', `${infId} vms ${victims.join(',')}`, () => api.removeResource(infId, victims, ctx.signal), undefined, { infId, vmIds: victims });
}

async function resizeVms(api: ImApi, infId: string, spec: DesiredIm, detail: ImDetail, changes: FieldChange[], ctx: ApplyContext): Promise<void> {
  const systems = new Set(changes.filter((c) => /^systems\.[^.]+\.(cpu|memoryMB)$/.test(c.path)).map((c) => c.path.split('.')[1]!));
  for (const system of systems) {
    const want = spec.systems[system];
    const bytes = spec.memoryBytes[system];
    if (!want || want.cpu === undefined || bytes === undefined) continue;
    const stale = detail.vms.filter((v) => v.system === system && (v.cpu !== want.cpu || v.memoryMB !== toMegabytes(bytes)));
    for (const vm of stale) {
      ctx.progress(`AlterVM ${vm.id} cpu=${want.cpu} memory=${toMegabytes(bytes)}MB`);
      await ctx.mutate('AlterVM', `${infId} vm ${vm.id}`, () => api.alterVm(infId, String(vm.id), alterVmRadl(system, want.cpu!, bytes), ctx.signal));
    }
  }
}

