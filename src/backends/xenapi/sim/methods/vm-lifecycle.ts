/** VM.create/destroy, clone/copy/snapshot/provision and the power calls (xenapi.md §3, §4). */
import type { SimContext } from '../dispatch/context.js';
import { argBool, argList, argRow, argStr, p, T, type MethodSpec } from '../dispatch/method-spec.js';
import { cloneVm } from '../vm/clone.js';
import { createVm, destroyVm } from '../vm/create-destroy.js';
import * as power from '../vm/power.js';
import { provisionVm } from '../vm/provision.js';

const VM = T.ref('VM');
const HOST = T.ref('host');

export function vmLifecycleSpecs(ctx: SimContext): MethodSpec[] {
  const specs: MethodSpec[] = [
    { name: 'VM.create', params: [p('args', T.record('VM'))], async: true, run: (a) => createVm(ctx, argRow(a, 0)) },
    { name: 'VM.destroy', params: [p('self', VM)], async: true, vmOp: 'destroy', run: (a, c) => destroyVm(ctx, v(a), c.task) },
    { name: 'VM.clone', params: [p('vm', VM), p('new_name', T.string)], async: true, vmOp: 'clone', run: (a, c) => cloneVm(ctx, v(a), argStr(a, 1), 'clone', { task: c.task }) },
    {
      name: 'VM.copy',
      params: [p('vm', VM), p('new_name', T.string), p('sr', T.ref('SR'))],
      async: true,
      vmOp: 'copy',
      run: (a, c) => cloneVm(ctx, v(a), argStr(a, 1), 'copy', { sr: argStr(a, 2), task: c.task }),
    },
    {
      name: 'VM.snapshot',
      params: [p('vm', VM), p('new_name', T.string), p('ignore_vdis', T.refs('VDI'), [])],
      async: true,
      vmOp: 'snapshot',
      run: (a, c) => cloneVm(ctx, v(a), argStr(a, 1), 'snapshot', { ignoreVdis: argList(a, 2), task: c.task }),
    },
    { name: 'VM.provision', params: [p('vm', VM)], async: true, vmOp: 'provision', run: (a, c) => provisionVm(ctx, v(a), c.task) },
  ];
  return [...specs, ...powerOnSpecs(ctx), ...powerChangeSpecs(ctx)];
}

const v = (a: Parameters<MethodSpec['run']>[0]): string => argStr(a, 0);

/** powerOnSpecs: the calls that build a domain. */
function powerOnSpecs(ctx: SimContext): MethodSpec[] {
  return [
    {
      name: 'VM.start',
      params: [p('vm', VM), p('start_paused', T.bool), p('force', T.bool)],
      async: true,
      vmOp: 'start',
      run: (a, c) => power.startVm(ctx, v(a), argBool(a, 1), c.task),
    },
    {
      name: 'VM.start_on',
      params: [p('vm', VM), p('host', HOST), p('start_paused', T.bool), p('force', T.bool)],
      async: true,
      vmOp: 'start_on',
      run: (a, c) => power.startVm(ctx, v(a), argBool(a, 2), c.task, argStr(a, 1)),
    },
    {
      name: 'VM.resume',
      params: [p('vm', VM), p('start_paused', T.bool), p('force', T.bool)],
      async: true,
      vmOp: 'resume',
      run: (a, c) => power.resumeVm(ctx, v(a), argBool(a, 1), c.task),
    },
    {
      name: 'VM.resume_on',
      params: [p('vm', VM), p('host', HOST), p('start_paused', T.bool), p('force', T.bool)],
      async: true,
      vmOp: 'resume_on',
      run: (a, c) => power.resumeVm(ctx, v(a), argBool(a, 2), c.task, argStr(a, 1)),
    },
  ];
}

/** powerChangeSpecs: the calls that stop, pause, reboot, suspend or move a domain. */
function powerChangeSpecs(ctx: SimContext): MethodSpec[] {
  return [
    { name: 'VM.clean_shutdown', params: [p('vm', VM)], async: true, vmOp: 'clean_shutdown', run: (a, c) => power.cleanShutdownVm(ctx, v(a), c.task) },
    { name: 'VM.hard_shutdown', params: [p('vm', VM)], async: true, vmOp: 'hard_shutdown', run: (a, c) => power.hardShutdownVm(ctx, v(a), c.task) },
    { name: 'VM.shutdown', params: [p('vm', VM)], async: true, vmOp: 'shutdown', run: (a, c) => power.shutdownVm(ctx, v(a), c.task) },
    { name: 'VM.clean_reboot', params: [p('vm', VM)], async: true, vmOp: 'clean_reboot', run: (a, c) => power.rebootVm(ctx, v(a), true, c.task) },
    { name: 'VM.hard_reboot', params: [p('vm', VM)], async: true, vmOp: 'hard_reboot', run: (a, c) => power.rebootVm(ctx, v(a), false, c.task) },
    { name: 'VM.suspend', params: [p('vm', VM)], async: true, vmOp: 'suspend', run: (a, c) => power.suspendVm(ctx, v(a), c.task) },
    { name: 'VM.pause', params: [p('vm', VM)], async: true, vmOp: 'pause', run: (a, c) => power.pauseVm(ctx, v(a), true, c.task) },
    { name: 'VM.unpause', params: [p('vm', VM)], async: true, vmOp: 'unpause', run: (a, c) => power.pauseVm(ctx, v(a), false, c.task) },
    { name: 'VM.power_state_reset', params: [p('vm', VM)], async: true, run: (a, c) => power.powerStateResetVm(ctx, v(a), c.task) },
    {
      name: 'VM.pool_migrate',
      params: [p('vm', VM), p('host', HOST), p('options', T.map)],
      async: true,
      vmOp: 'pool_migrate',
      run: (a, c) => power.poolMigrateVm(ctx, v(a), argStr(a, 1), c.task),
    },
  ];
}
