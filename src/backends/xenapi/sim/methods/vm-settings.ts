/**
 * VM settings with checks of their own (xenapi.md §3, §4): memory, VCPUs, template flag, boot and
 * crash settings held in constructor-only fields, device queries and assert_operation_valid.
 * Plain RW fields (name_label, other_config, platform, …) use the implicit setters.
 */
import type { SimContext } from '../dispatch/context.js';
import { argBool, argNum, argStr, p, T, type MethodSpec } from '../dispatch/method-spec.js';
import { wireRecord } from '../dispatch/implicit.js';
import { assertVmOperation } from '../vm/check-operation.js';
import { allowedVbdDevices, freeDevices } from '../vm/devices.js';
import { setMemory, setVcpusAtStartup, setVcpusLive, setVcpusMax, type MemoryLimits } from '../vm/memory-cpu.js';
import { VM_OPERATIONS, type VmOperation } from '../vm/operations.js';

const VM = T.ref('VM');

function memorySpecs(ctx: SimContext): MethodSpec[] {
  const mem = (name: string, op: VmOperation, fields: Array<keyof MemoryLimits>, paramNames: string[] = fields): MethodSpec => ({
    name: `VM.${name}`,
    params: [p('self', VM), ...paramNames.map((f) => p(f, T.int))],
    async: true,
    vmOp: op,
    run: (a, c) => setMemory(ctx, argStr(a, 0), op, Object.fromEntries(fields.map((f, i) => [f, argNum(a, i + 1)])), c.task),
  });
  return [
    mem('set_memory_limits', 'changing_memory_limits', ['static_min', 'static_max', 'dynamic_min', 'dynamic_max']),
    mem('set_memory_static_range', 'changing_static_range', ['static_min', 'static_max']),
    mem('set_memory_static_max', 'changing_static_range', ['static_max'], ['value']),
    mem('set_memory_static_min', 'changing_static_range', ['static_min'], ['value']),
    mem('set_memory_dynamic_range', 'changing_dynamic_range', ['dynamic_min', 'dynamic_max']),
    mem('set_memory_dynamic_max', 'changing_dynamic_range', ['dynamic_max'], ['value']),
    mem('set_memory_dynamic_min', 'changing_dynamic_range', ['dynamic_min'], ['value']),
    {
      name: 'VM.set_memory',
      params: [p('self', VM), p('value', T.int)],
      async: true,
      vmOp: 'changing_memory_limits',
      run: (a, c) => {
        const v = argNum(a, 1);
        setMemory(ctx, argStr(a, 0), 'changing_memory_limits', { static_max: v, dynamic_min: v, dynamic_max: v }, c.task);
      },
    },
  ];
}

function cpuSpecs(ctx: SimContext): MethodSpec[] {
  return [
    { name: 'VM.set_VCPUs_max', params: [p('self', VM), p('value', T.int)], async: true, vmOp: 'changing_VCPUs', run: (a, c) => setVcpusMax(ctx, argStr(a, 0), argNum(a, 1), c.task) },
    { name: 'VM.set_VCPUs_at_startup', params: [p('self', VM), p('value', T.int)], async: true, run: (a) => setVcpusAtStartup(ctx, argStr(a, 0), argNum(a, 1)) },
    {
      name: 'VM.set_VCPUs_number_live',
      params: [p('self', VM), p('nvcpu', T.int)],
      async: true,
      vmOp: 'changing_VCPUs_live',
      run: (a, c) => setVcpusLive(ctx, argStr(a, 0), argNum(a, 1), c.task),
    },
  ];
}

/** templateSpec: making a VM a template is the make_into_template operation (Halted only). */
function templateSpec(ctx: SimContext): MethodSpec {
  return {
    name: 'VM.set_is_a_template',
    params: [p('self', VM), p('value', T.bool)],
    async: true,
    run: (a) => {
      if (argBool(a, 1)) assertVmOperation(ctx, argStr(a, 0), 'make_into_template');
      ctx.store.update('VM', argStr(a, 0), { is_a_template: argBool(a, 1) });
    },
  };
}

/** constructorFieldSpecs: setters of constructor-only fields that have a set_ call anyway. */
function constructorFieldSpecs(ctx: SimContext): MethodSpec[] {
  const set = (field: string, value: string | number) => (ref: string) => ctx.store.update('VM', ref, { [field]: value });
  return [
    { name: 'VM.set_HVM_boot_policy', params: [p('self', VM), p('value', T.string)], async: true, run: (a) => set('HVM_boot_policy', argStr(a, 1))(requireVm(ctx, a)) },
    {
      name: 'VM.set_domain_type',
      params: [p('self', VM), p('value', T.enumOf(['hvm', 'pv', 'pv_in_pvh', 'pvh', 'unspecified']))],
      async: true,
      run: (a) => {
        const ref = requireVm(ctx, a);
        ctx.store.update('VM', ref, { domain_type: argStr(a, 1), HVM_boot_policy: argStr(a, 1) === 'hvm' ? 'BIOS order' : '' });
      },
    },
    {
      name: 'VM.set_actions_after_crash',
      params: [p('self', VM), p('value', T.enumOf(['destroy', 'coredump_and_destroy', 'restart', 'coredump_and_restart', 'preserve', 'rename_restart']))],
      async: true,
      run: (a) => set('actions_after_crash', argStr(a, 1))(requireVm(ctx, a)),
    },
    {
      name: 'VM.set_HVM_shadow_multiplier',
      params: [p('self', VM), p('value', T.float)],
      async: true,
      vmOp: 'changing_shadow_memory',
      run: (a, c) => {
        assertVmOperation(ctx, argStr(a, 0), 'changing_shadow_memory', c.task);
        set('HVM_shadow_multiplier', argNum(a, 1))(argStr(a, 0));
      },
    },
  ];
}

function requireVm(ctx: SimContext, a: Parameters<MethodSpec['run']>[0]): string {
  ctx.store.require('VM', argStr(a, 0));
  return argStr(a, 0);
}

function querySpecs(ctx: SimContext): MethodSpec[] {
  return [
    { name: 'VM.get_allowed_VBD_devices', params: [p('vm', VM)], run: (a) => allowedVbdDevices(ctx, argStr(a, 0)) },
    { name: 'VM.get_allowed_VIF_devices', params: [p('vm', VM)], run: (a) => freeDevices(ctx, argStr(a, 0), 'VIF', 7) },
    { name: 'VM.get_boot_record', params: [p('self', VM)], run: (a) => wireRecord(ctx, 'VM', argStr(a, 0)) },
    {
      name: 'VM.assert_operation_valid',
      params: [p('self', VM), p('op', T.enumOf(VM_OPERATIONS))],
      async: true,
      run: (a) => {
        assertVmOperation(ctx, argStr(a, 0), argStr(a, 1) as VmOperation);
      },
    },
  ];
}

export function vmSettingsSpecs(ctx: SimContext): MethodSpec[] {
  return [...memorySpecs(ctx), ...cpuSpecs(ctx), templateSpec(ctx), ...constructorFieldSpecs(ctx), ...querySpecs(ctx)];
}
