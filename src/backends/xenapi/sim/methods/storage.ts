/** VDI, VBD, SR and PBD methods (xenapi.md §3, §4). */
import type { SimContext } from '../dispatch/context.js';
import { argMap, argNum, argRow, argStr, p, T, type MethodSpec } from '../dispatch/method-spec.js';
import { createVbd, destroyVbd, ejectVbd, plugVbd } from '../storage/vbd-rules.js';
import { createVdiChecked, resizeVdi } from '../storage/vdi-rules.js';
import { assertVdiNotInUse, copyVdi, destroyVdi } from '../storage/vdis.js';
import { createSr, removeSr } from '../storage/sr-rules.js';
import { NULL_REF, operationNotAllowed } from '../wire/errors.js';

const VDI = T.ref('VDI');
const VBD = T.ref('VBD');

function vdiSpecs(ctx: SimContext): MethodSpec[] {
  return [
    { name: 'VDI.create', params: [p('args', T.record('VDI'))], async: true, run: (a) => createVdiChecked(ctx, argRow(a, 0)) },
    {
      name: 'VDI.destroy',
      params: [p('self', VDI)],
      async: true,
      run: (a) => {
        assertVdiNotInUse(ctx, argStr(a, 0), 'destroy');
        destroyVdi(ctx, argStr(a, 0));
      },
    },
    { name: 'VDI.forget', params: [p('vdi', VDI)], async: true, run: (a) => destroyVdi(ctx, argStr(a, 0)) },
    { name: 'VDI.resize', params: [p('vdi', VDI), p('size', T.int)], async: true, run: (a) => resizeVdi(ctx, argStr(a, 0), argNum(a, 1)) },
    { name: 'VDI.clone', params: [p('vdi', VDI), p('driver_params', T.map, {})], async: true, run: (a) => copyVdi(ctx, argStr(a, 0), 'clone') },
    { name: 'VDI.snapshot', params: [p('vdi', VDI), p('driver_params', T.map, {})], async: true, run: (a) => copyVdi(ctx, argStr(a, 0), 'snapshot') },
    {
      name: 'VDI.copy',
      params: [p('vdi', VDI), p('sr', T.ref('SR')), p('base_vdi', VDI, NULL_REF), p('into_vdi', VDI, NULL_REF)],
      async: true,
      run: (a) => {
        ctx.store.require('VDI', argStr(a, 0));
        ctx.store.require('SR', argStr(a, 1));
        const into = argStr(a, 3);
        if (into !== NULL_REF) {
          ctx.store.require('VDI', into);
          return into;
        }
        return copyVdi(ctx, argStr(a, 0), 'copy', argStr(a, 1));
      },
    },
  ];
}

function vbdSpecs(ctx: SimContext): MethodSpec[] {
  return [
    { name: 'VBD.create', params: [p('args', T.record('VBD'))], async: true, run: (a) => createVbd(ctx, argRow(a, 0)) },
    { name: 'VBD.destroy', params: [p('self', VBD)], async: true, run: (a) => destroyVbd(ctx, argStr(a, 0)) },
    { name: 'VBD.plug', params: [p('self', VBD)], async: true, run: (a) => plugVbd(ctx, argStr(a, 0), true) },
    { name: 'VBD.unplug', params: [p('self', VBD)], async: true, run: (a) => plugVbd(ctx, argStr(a, 0), false) },
    { name: 'VBD.unplug_force', params: [p('self', VBD)], async: true, run: (a) => plugVbd(ctx, argStr(a, 0), false, true) },
    { name: 'VBD.eject', params: [p('vbd', VBD)], async: true, run: (a) => ejectVbd(ctx, argStr(a, 0)) },
    { name: 'VBD.insert', params: [p('vbd', VBD), p('vdi', VDI)], async: true, run: (a) => ejectVbd(ctx, argStr(a, 0), argStr(a, 1)) },
    {
      name: 'VBD.set_mode',
      params: [p('self', VBD), p('value', T.enumOf(['RO', 'RW']))],
      async: true,
      run: (a) => {
        const vbd = ctx.store.require('VBD', argStr(a, 0));
        if (vbd.type === 'CD' && argStr(a, 1) === 'RW') throw operationNotAllowed('CDs must be read-only');
        ctx.store.update('VBD', argStr(a, 0), { mode: argStr(a, 1) });
      },
    },
  ];
}

function srSpecs(ctx: SimContext): MethodSpec[] {
  const SR = T.ref('SR');
  return [
    {
      name: 'SR.create',
      params: [
        p('host', T.ref('host')),
        p('device_config', T.map),
        p('physical_size', T.int),
        p('name_label', T.string),
        p('name_description', T.string),
        p('type', T.string),
        p('content_type', T.string),
        p('shared', T.bool),
        p('sm_config', T.map, {}),
      ],
      async: true,
      run: (a) =>
        createSr(ctx, {
          host: argStr(a, 0),
          device_config: argMap(a, 1),
          physical_size: argNum(a, 2),
          name_label: argStr(a, 3),
          name_description: argStr(a, 4),
          type: argStr(a, 5),
          content_type: argStr(a, 6),
          shared: a[7] === true,
          sm_config: argMap(a, 8),
        }),
    },
    { name: 'SR.destroy', params: [p('sr', SR)], async: true, run: (a) => removeSr(ctx, argStr(a, 0)) },
    { name: 'SR.forget', params: [p('sr', SR)], async: true, run: (a) => removeSr(ctx, argStr(a, 0)) },
    { name: 'SR.scan', params: [p('sr', SR)], async: true, run: (a) => ctx.store.touch('SR', argStr(a, 0)) },
  ];
}

function pbdSpecs(ctx: SimContext): MethodSpec[] {
  const PBD = T.ref('PBD');
  return [
    {
      name: 'PBD.create',
      params: [p('args', T.record('PBD'))],
      async: true,
      run: (a) => {
        const row = argRow(a, 0);
        ctx.store.require('host', String(row.host));
        ctx.store.require('SR', String(row.SR));
        return ctx.store.create('PBD', row);
      },
    },
    {
      name: 'PBD.destroy',
      params: [p('self', PBD)],
      async: true,
      run: (a) => {
        if (ctx.store.require('PBD', argStr(a, 0)).currently_attached === true) throw operationNotAllowed('PBD is currently attached');
        ctx.store.destroy('PBD', argStr(a, 0));
      },
    },
    { name: 'PBD.plug', params: [p('self', PBD)], async: true, run: (a) => ctx.store.update('PBD', argStr(a, 0), { currently_attached: true }) },
    { name: 'PBD.unplug', params: [p('self', PBD)], async: true, run: (a) => ctx.store.update('PBD', argStr(a, 0), { currently_attached: false }) },
  ];
}

export function storageSpecs(ctx: SimContext): MethodSpec[] {
  return [...vdiSpecs(ctx), ...vbdSpecs(ctx), ...srSpecs(ctx), ...pbdSpecs(ctx)];
}
