/**
 * VM-level methods. The VM id may come as a string or an int (IM runs int() on it).
 * GetVMInfo prints the VM's networks and its one system with the features IM and Dummy added;
 * GetVMProperty reads one of them in base units; AlterVM returns the VM's whole stored RADL.
 */
import { alterVm, snapshotUrl } from '../dummy-connector.js';
import { vmState } from '../model/states.js';
import type { InfraRecord, VmRecord } from '../model/types.js';
import { getSystem } from '../radl/document.js';
import { findEntry, setValue } from '../radl/feature-set.js';
import { printRadl } from '../radl/printer.js';
import { featureValue } from '../radl/units.js';
import { emptyDocument, type RadlDocument } from '../radl/types.js';
import { PyFloat, Unmarshalable, type ImResult, type MethodSpec } from './envelope.js';
import { authorize, parseRequest, type Arg, type MethodContext } from './context.js';

export function vmSpecs(ctx: MethodContext): MethodSpec[] {
  const vmMethod = (name: string, run: (inf: InfraRecord, vm: VmRecord) => ImResult): MethodSpec => ({
    name,
    params: ['inf_id', 'vm_id', 'auth_data'],
    required: 3,
    run: ([infId, vmId, auth]) => {
      const { inf, vm } = lookupVm(ctx, infId, vmId, auth);
      return run(inf, vm);
    },
  });
  const power = (state: 'running' | 'stopped') => (inf: InfraRecord, vm: VmRecord) => {
    vm.cloudState = state;
    ctx.store.touch(inf);
    return '';
  };
  return [
    vmMethod('GetVMInfo', (_inf, vm) => printRadl(vmInfoDocument(vm))),
    vmMethod('GetVMContMsg', (_inf, vm) => vm.contMsg),
    vmMethod('StartVM', power('running')),
    vmMethod('StopVM', power('stopped')),
    vmMethod('RebootVM', () => ''),
    {
      name: 'GetVMProperty',
      params: ['inf_id', 'vm_id', 'property_name', 'auth_data'],
      required: 4,
      run: ([infId, vmId, prop, auth]) => vmProperty(lookupVm(ctx, infId, vmId, auth).vm, String(prop)),
    },
    {
      name: 'AlterVM',
      params: ['inf_id', 'vm_id', 'radl', 'auth_data'],
      required: 4,
      run: ([infId, vmId, radl, auth]) => alterVmMethod(ctx, infId, vmId, radl, auth),
    },
    {
      name: 'CreateDiskSnapshot',
      params: ['inf_id', 'vm_id', 'disk_num', 'image_name', 'auto_delete', 'auth_data'],
      required: 6,
      run: ([infId, vmId, , imageName, , auth]) => {
        lookupVm(ctx, infId, vmId, auth);
        return snapshotUrl(String(imageName));
      },
    },
  ];
}

/** lookupVm checks auth, infrastructure and VM in IM's order and refreshes the VM's `state` feature. */
function lookupVm(ctx: MethodContext, infId: Arg, vmId: Arg, auth: Arg): { inf: InfraRecord; vm: VmRecord } {
  const inf = ctx.store.getInfrastructure(infId, authorize(ctx, auth));
  const vm = ctx.store.getVm(inf, vmId);
  const system = vm.info.systems[0];
  if (system) setValue(system.set, 'state', vmState(ctx.store, inf, vm));
  return { inf, vm };
}

/** alterVmMethod: the request must name the VM's system; returns the VM's whole stored RADL. */
function alterVmMethod(ctx: MethodContext, infId: Arg, vmId: Arg, radl: Arg, auth: Arg): string {
  const { inf, vm } = lookupVm(ctx, infId, vmId, auth);
  const request = parseRequest(radl);
  const system = vm.info.systems[0];
  const requested = system ? getSystem(request, system.id) : undefined;
  if (!system || !requested) throw new Error(`Incorrect RADL no system with name ${system?.id ?? ''} provided.`);
  alterVm(system, requested);
  ctx.store.touch(inf);
  return printRadl(vm.info);
}

/** vmInfoDocument is VirtualMachine.get_vm_info: the VM's networks and its system only. */
function vmInfoDocument(vm: VmRecord): RadlDocument {
  return { ...emptyDocument(), networks: vm.info.networks, systems: vm.info.systems.slice(0, 1) };
}

/** vmProperty is system.getValue(prop): numbers in base units; None (a fault) when absent. */
function vmProperty(vm: VmRecord, prop: string): ImResult {
  const system = vm.info.systems[0];
  const entry = system ? findEntry(system.set, prop) : undefined;
  if (!entry) return undefined;
  if (entry.kind === 'apps') return new Unmarshalable('radl.radl.Feature');
  if (entry.kind === 'soft') return new Unmarshalable('radl.radl.SoftFeatures');
  const feature = entry.kind === 'simple' ? entry.feature : (entry.lo ?? entry.hi);
  if (!feature) return undefined;
  const { value, isFloat } = featureValue(feature);
  if (value === null) return undefined;
  return typeof value === 'number' && isFloat ? new PyFloat(value) : value;
}
