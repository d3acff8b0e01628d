/**
 * VM operations and the power states each is allowed in (xenapi.md §4, after xapi's
 * `Xapi_vm_lifecycle.allowed_power_states`). The order of the states is the order xapi prints
 * them in VM_BAD_POWER_STATE's `expected` parameter.
 */
export type PowerState = 'Halted' | 'Paused' | 'Running' | 'Suspended';

export const VM_OPERATIONS = [
  'start',
  'start_on',
  'provision',
  'make_into_template',
  'changing_VCPUs',
  'changing_static_range',
  'changing_memory_limits',
  'changing_shadow_memory',
  'changing_NVRAM',
  'create_vtpm',
  'unpause',
  'resume',
  'resume_on',
  'clean_shutdown',
  'clean_reboot',
  'suspend',
  'pause',
  'pool_migrate',
  'changing_VCPUs_live',
  'changing_memory_live',
  'send_sysrq',
  'send_trigger',
  'call_plugin',
  'changing_dynamic_range',
  'clone',
  'copy',
  'destroy',
  'export',
  'hard_reboot',
  'hard_shutdown',
  'shutdown',
  'checkpoint',
  'migrate_send',
  'snapshot',
  'revert',
  'power_state_reset',
  'metadata_export',
  'assert_operation_valid',
] as const;

export type VmOperation = (typeof VM_OPERATIONS)[number];

const H: PowerState = 'Halted';
const P: PowerState = 'Paused';
const R: PowerState = 'Running';
const S: PowerState = 'Suspended';
const ANY: readonly PowerState[] = [H, P, S, R];

const TABLE: Array<[readonly VmOperation[], readonly PowerState[]]> = [
  [['start', 'start_on', 'provision', 'make_into_template', 'changing_VCPUs', 'changing_static_range', 'changing_memory_limits'], [H]],
  [['changing_shadow_memory', 'changing_NVRAM', 'create_vtpm'], [H]],
  [['unpause'], [P]],
  [['resume', 'resume_on'], [S]],
  [['clean_shutdown', 'clean_reboot', 'suspend', 'pause', 'pool_migrate', 'changing_VCPUs_live', 'changing_memory_live'], [R]],
  [['send_sysrq', 'send_trigger', 'call_plugin'], [R]],
  [['changing_dynamic_range'], [H, R]],
  [['clone', 'copy'], [H]],
  [['destroy', 'export'], [H, S]],
  [['hard_reboot'], [P, R]],
  [['hard_shutdown', 'shutdown', 'checkpoint'], [P, S, R]],
  [['migrate_send'], [H, S, R]],
  [['snapshot', 'revert', 'power_state_reset', 'metadata_export', 'assert_operation_valid'], ANY],
];

const ALLOWED = new Map<VmOperation, readonly PowerState[]>(TABLE.flatMap(([ops, states]) => ops.map((op) => [op, states] as const)));

/** DOM0_RUNNING_OPS may also run on a running control domain. */
const DOM0_RUNNING_OPS: ReadonlySet<VmOperation> = new Set(['changing_VCPUs', 'changing_static_range', 'changing_memory_limits']);

export interface PowerContext {
  isControlDomain: boolean;
  isSnapshot: boolean;
  /** allowCloneSuspended: pool other_config `allow_clone_suspended_vm` is set. */
  allowCloneSuspended: boolean;
}

/** allowedPowerStates lists, in xapi's order, the states `op` may run in. */
export function allowedPowerStates(op: VmOperation, vm: PowerContext): readonly PowerState[] {
  const base = ALLOWED.get(op) ?? ANY;
  if (vm.isControlDomain && DOM0_RUNNING_OPS.has(op)) return [H, R];
  if ((op === 'clone' || op === 'copy') && (vm.isSnapshot || vm.allowCloneSuspended)) return [H, S];
  return base;
}

/** compatible: may `op` start while `running` is in current_operations? */
export function compatibleOperations(op: VmOperation, running: string): boolean {
  const copyLike = ['clone', 'copy', 'export'];
  if (copyLike.includes(op) && copyLike.includes(running)) return true;
  const snapLike = ['snapshot', 'checkpoint'];
  if (snapLike.includes(op) && snapLike.includes(running)) return true;
  if (op === 'hard_shutdown') return running !== 'hard_shutdown';
  return false;
}

/** TEMPLATE_OPS may run on a template; destroy only on a non-default one. */
export function templateAllows(op: VmOperation, isDefaultTemplate: boolean): boolean {
  if (op.startsWith('changing_')) return true;
  if (op === 'destroy') return !isDefaultTemplate;
  return ['clone', 'copy', 'export', 'provision', 'metadata_export', 'assert_operation_valid', 'make_into_template'].includes(op);
}

export const SNAPSHOT_OPS: ReadonlySet<string> = new Set(['revert', 'clone', 'copy', 'export', 'destroy', 'hard_shutdown', 'metadata_export', 'assert_operation_valid']);

/** DOM0_OPS are the operations a control domain accepts at all. */
export const DOM0_OPS: ReadonlySet<string> = new Set([
  'changing_VCPUs',
  'changing_static_range',
  'changing_memory_limits',
  'changing_dynamic_range',
  'changing_VCPUs_live',
  'changing_memory_live',
  'snapshot',
  'metadata_export',
  'assert_operation_valid',
]);

/** LACKS_FEATURE_OPS need the guest's cooperation (PV drivers or the advertised feature). */
export const LACKS_FEATURE_OPS: Readonly<Record<string, string>> = {
  clean_shutdown: 'feature-shutdown',
  clean_reboot: 'feature-reboot',
  suspend: 'feature-suspend',
};
