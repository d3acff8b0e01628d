/**
 * Methods about clouds and the service: GetCloudImageList and GetCloudQuotas (the cloud is
 * named by its auth id), EstimateResources (what each cloud would be asked for), GetStats
 * (per-infrastructure usage of the caller) and GetVersion.
 */
import type { XmlRpcStruct, XmlRpcValue } from '../../../../xmlrpc/value.js';
import { cloudList, requireSupported, type CallerAuth } from '../auth.js';
import { DUMMY_IMAGES, dummyQuotas } from '../dummy-connector.js';
import { placeDeploys } from '../launch.js';
import type { CloudRef } from '../model/types.js';
import { isLaunched } from '../model/vm-visibility.js';
import { checkRadl } from '../radl/checks.js';
import { getSystem } from '../radl/document.js';
import { getFeature, getValue } from '../radl/feature-set.js';
import { completeRadl } from '../radl/merge.js';
import { featureValue } from '../radl/units.js';
import { emptyDocument, type FeaturedAspect } from '../radl/types.js';
import type { MethodSpec } from './envelope.js';
import { authorize, parseRequest, type Arg, type MethodContext } from './context.js';

export const IM_VERSION = '1.19.2';

export function cloudSpecs(ctx: MethodContext): MethodSpec[] {
  const cloud = (id: Arg, auth: Arg): CloudRef => {
    const found = cloudList(authorize(ctx, auth).entries).find((c) => c.id === id);
    if (!found) throw new Error(`Cloud ID ${String(id)} not found.`);
    requireSupported(found);
    return found;
  };
  return [
    { name: 'GetVersion', params: [], required: 0, run: () => IM_VERSION },
    {
      name: 'GetCloudImageList',
      params: ['cloud_id', 'auth_data', 'filters'],
      required: 2,
      run: ([id, auth]) => {
        cloud(id, auth);
        return structuredClone(DUMMY_IMAGES);
      },
    },
    {
      name: 'GetCloudQuotas',
      params: ['cloud_id', 'auth_data'],
      required: 2,
      run: ([id, auth]) => {
        cloud(id, auth);
        return dummyQuotas();
      },
    },
    { name: 'EstimateResources', params: ['radl_data', 'auth_data'], required: 2, run: ([radl, auth]) => estimate(ctx, radl, auth) },
    { name: 'GetStats', params: ['init_date', 'end_date', 'auth_data'], required: 3, run: ([from, to, auth]) => stats(ctx, from, to, authorize(ctx, auth)) },
  ];
}

function estimate(ctx: MethodContext, radl: Arg, auth: Arg): XmlRpcStruct {
  const caller = authorize(ctx, auth);
  const doc = parseRequest(radl);
  completeRadl(doc, emptyDocument());
  checkRadl(doc);
  const result: XmlRpcStruct = {};
  for (const { deploy, cloud } of placeDeploys(doc, caller, {})) {
    const entry = (result[cloud.id] ??= { cloudType: cloud.type, cloudEndpoint: 'http://:80', compute: [], storage: [] }) as XmlRpcStruct;
    const system = getSystem(doc, deploy.system);
    for (let i = 0; system && i < deploy.count.num; i++) {
      (entry.compute as XmlRpcValue[]).push(computeOf(system));
      (entry.storage as XmlRpcValue[]).push(...storageOf(system));
    }
  }
  return result;
}

function computeOf(system: FeaturedAspect): XmlRpcStruct {
  const out: XmlRpcStruct = {};
  const cpu = getValue(system.set, 'cpu.count');
  if (typeof cpu === 'number') out.cpuCores = cpu;
  const memory = getFeature(system.set, 'memory.size');
  if (memory) out.memoryInMegabytes = Number(featureValue(memory, 'M').value);
  const disk = getFeature(system.set, 'disk.0.size');
  if (disk) out.diskSizeInGigabytes = Number(featureValue(disk, 'G').value);
  return out;
}

function storageOf(system: FeaturedAspect): XmlRpcStruct[] {
  const out: XmlRpcStruct[] = [];
  for (let i = 1; getFeature(system.set, `disk.${i}.size`); i++) {
    const size = getFeature(system.set, `disk.${i}.size`);
    if (size) out.push({ sizeInGigabytes: Number(featureValue(size, 'G').value) });
  }
  return out;
}

function stats(ctx: MethodContext, from: Arg, to: Arg, caller: CallerAuth): XmlRpcStruct[] {
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const inRange = (ms: number) => (!from || day(ms) >= String(from)) && (!to || day(ms) <= String(to));
  return ctx.store.state.infrastructures
    .filter((inf) => ctx.store.isOwner(inf, caller) && inRange(inf.createdAt))
    .map((inf) => {
      const vms = inf.vms.filter((vm) => isLaunched(vm, ctx.store.now()));
      const sum = (prop: string, unit?: string) =>
        vms.reduce((acc, vm) => {
          const f = vm.info.systems[0] ? getFeature(vm.info.systems[0].set, prop) : undefined;
          return acc + (f ? Number(featureValue(f, unit).value) : 0);
        }, 0);
      return {
        creation_date: new Date(inf.createdAt).toISOString().replace('T', ' ').slice(0, 19),
        tosca_name: '',
        vm_count: vms.length,
        cpu_count: sum('cpu.count'),
        memory_size: sum('memory.size', 'M'),
        cloud_type: [...new Set(vms.map((vm) => vm.cloud.type))].join(','),
        cloud_host: '',
        hybrid: new Set(vms.map((vm) => vm.cloud.id)).size > 1,
        deleted: ctx.store.isGone(inf),
        im_user: inf.owners[0]?.username ?? '',
        inf_id: inf.id,
        last_date: new Date(inf.destroyedAt ?? ctx.store.now()).toISOString().replace('T', ' ').slice(0, 19),
      };
    });
}
