/**
 * The read-only infrastructure methods: GetInfrastructureList (owned ones, last saved first,
 * optionally filtered by a regex searched in the stored RADL), GetInfrastructureInfo (VM ids as
 * strings), GetInfrastructureState, GetInfrastructureRADL, GetInfrastructureContMsg and
 * GetInfrastructureOwners.
 */
import { infraState } from '../model/states.js';
import type { InfraRecord, VmRecord } from '../model/types.js';
import { setValue } from '../radl/feature-set.js';
import { visibleText } from '../model/timeline.js';
import { printRadl } from '../radl/printer.js';
import { pyTruthy } from '../python.js';
import type { MethodSpec } from './envelope.js';
import { authorize, type Arg, type MethodContext } from './context.js';

const VM_MSG_SEPARATOR = '***************************************************************************\n';

export function infrastructureReadSpecs(ctx: MethodContext): MethodSpec[] {
  const lookup = (infId: Arg, auth: Arg) => ctx.store.getInfrastructure(infId, authorize(ctx, auth));
  return [
    { name: 'GetInfrastructureList', params: ['auth_data', 'flt'], required: 1, run: ([auth, flt]) => listInfrastructures(ctx, auth, flt) },
    {
      name: 'GetInfrastructureInfo',
      params: ['inf_id', 'auth_data'],
      required: 2,
      run: ([infId, auth]) => ctx.store.liveVms(lookup(infId, auth)).map((vm) => String(vm.imId)),
    },
    {
      name: 'GetInfrastructureState',
      params: ['inf_id', 'auth_data'],
      required: 2,
      run: ([infId, auth]) => {
        const inf = lookup(infId, auth);
        const { state, vmStates } = infraState(ctx.store, inf);
        noteVmStates(ctx.store.liveVms(inf), vmStates);
        return { state, vm_states: Object.fromEntries(vmStates.map(([id, s]) => [String(id), s])) };
      },
    },
    { name: 'GetInfrastructureRADL', params: ['inf_id', 'auth_data'], required: 2, run: ([infId, auth]) => printRadl(lookup(infId, auth).radl) },
    {
      name: 'GetInfrastructureContMsg',
      params: ['inf_id', 'auth_data', 'headeronly'],
      required: 2,
      run: ([infId, auth, headerOnly]) => contMsg(ctx, lookup(infId, auth), pyTruthy(headerOnly)),
    },
    {
      name: 'GetInfrastructureOwners',
      params: ['inf_id', 'auth_data'],
      required: 2,
      run: ([infId, auth]) => lookup(infId, auth).owners.map((o) => o.username),
    },
  ];
}

/**
 * noteVmStates writes each VM's state into its RADL's `state` feature, as IM's update_status does
 * for every VM on GetInfrastructureState (so an export right after shows it, as GetVMInfo would).
 */
function noteVmStates(vms: readonly VmRecord[], states: ReadonlyArray<[number, string]>): void {
  vms.forEach((vm, i) => {
    const system = vm.info.systems[0];
    const state = states[i];
    if (system && state && state[0] === vm.imId) setValue(system.set, 'state', state[1]);
  });
}

/** contMsg: the infrastructure's log, then (unless headerOnly) each VM's non-empty log. */
function contMsg(ctx: MethodContext, inf: InfraRecord, headerOnly: boolean): string {
  let text = visibleText(inf.contMsg, ctx.store.now());
  if (headerOnly) return text;
  for (const vm of ctx.store.liveVms(inf)) if (vm.contMsg) text += `VM ${vm.imId}:\n${vm.contMsg}\n${VM_MSG_SEPARATOR}`;
  return text;
}

function listInfrastructures(ctx: MethodContext, auth: Arg, flt: Arg): string[] {
  const caller = authorize(ctx, auth);
  let infs = ctx.store.live().filter((inf) => ctx.store.isOwner(inf, caller));
  if (pyTruthy(flt)) {
    const pattern = pythonRegex(String(flt));
    infs = infs.filter((inf) => pattern.test(printRadl(inf.radl)));
  }
  return infs.sort((a, b) => b.savedSeq - a.savedSeq).map((inf) => inf.id);
}

/** pythonRegex compiles a Python `re` pattern as a JS RegExp (named groups translated). */
function pythonRegex(source: string): RegExp {
  const translated = source.replace(/\(\?P</g, '(?<').replace(/\(\?P=(\w+)\)/g, '\\k<$1>');
  return new RegExp(translated);
}
