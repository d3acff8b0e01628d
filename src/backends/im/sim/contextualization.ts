/**
 * What IM's contextualization (ConfManager) does with Dummy VMs, as timelines on the virtual
 * clock instead of threads:
 * - disabled (`contextualize ()`, only non-Ansible items, or an empty `configure <sys> ()` for
 *   every system): every VM is `configured` at once; a VM with a public network on an interface
 *   other than 0 never gets its public IP and flips to `unconfigured` after 90 s;
 * - enabled: VMs stay `running` until the pipeline fails, since Dummy VMs cannot be reached:
 *   after 1800 s if a VM has no interface, 90 s if a public network is on an interface other
 *   than 0, 300 s (SSH wait) if a linux VM has a public network on interface 0, else after 1 s
 *   (no master VM).
 */
import type { ImStore } from './model/store.js';
import { pyTimestamp, replaceFrom } from './model/timeline.js';
import type { InfraRecord, Timeline, VmRecord } from './model/types.js';
import { getConfigure, getNetwork } from './radl/document.js';
import { getValue } from './radl/feature-set.js';

export const DISABLED_HEADER = 'Contextualization disabled by the RADL/TOSCA template.\n\n';
const PUBLIC_IP_WAIT_MS = 90_000;
const SSH_WAIT_MS = 300_000;
const RUNNING_WAIT_MS = 1_800_000;
const NO_MASTER_MS = 1_000;

type CtxtMode = 'disabled' | 'empty-configures' | 'enabled';

/**
 * contextualize is InfrastructureInfo.Contextualize(vm_list): restarts the (simulated) pipeline
 * at `at` (now, or the end of a change that is still running) for the VMs that exist then.
 * What the VMs read before `at` is kept; the infrastructure's message restarts at `at`.
 */
export function contextualize(store: ImStore, inf: InfraRecord, vmIds?: readonly number[], at = store.now()): void {
  const live = inf.vms.filter((vm) => !vm.destroyed && vm.launchedAt <= at);
  if (live.length === 0) return;
  const mode = ctxtMode(inf, live);
  if (mode === 'enabled') runEnabled(at, inf, live, vmIds);
  else runDisabled(at, inf, live, mode);
  store.touch(inf);
}

function ctxtMode(inf: InfraRecord, live: VmRecord[]): CtxtMode {
  const items = inf.radl.contextualize.items;
  if (items !== null && items.length === 0) return 'disabled';
  if (items !== null) return items.some((i) => (i.tool ?? 'Ansible') === 'Ansible') ? 'enabled' : 'disabled';
  const emptyConfigure = (vm: VmRecord): boolean => {
    const configure = getConfigure(inf.radl, vm.info.systems[0]?.id ?? '');
    return configure !== undefined && !configure.reference && configure.recipes === null;
  };
  return live.every(emptyConfigure) ? 'empty-configures' : 'enabled';
}

function runDisabled(now: number, inf: InfraRecord, live: VmRecord[], mode: CtxtMode): void {
  inf.contMsg = [{ at: now, value: DISABLED_HEADER }];
  inf.configured = replaceFrom(inf.configured, now, [{ at: now, value: true }]);
  for (const vm of live) {
    vm.contMsg = mode === 'empty-configures' ? 'Contextualization disabled' : '';
    const late = publicInterfaces(vm).some((i) => i !== 0);
    vm.configured = replaceFrom(vm.configured, now, [{ at: now, value: true }, ...(late ? [{ at: now + PUBLIC_IP_WAIT_MS, value: false }] : [])]);
  }
}

function runEnabled(now: number, inf: InfraRecord, live: VmRecord[], vmIds?: readonly number[]): void {
  const { delay, messages } = enabledOutcome(live);
  inf.contMsg = messages.map(([offset, text]) => ({ at: now + offset, value: `${pyTimestamp(now + offset)}: ${text}\n` }));
  const outcome: Timeline<boolean | null> = [
    { at: now, value: null },
    { at: now + delay, value: false },
  ];
  inf.configured = replaceFrom(inf.configured, now, structuredClone(outcome));
  for (const vm of live) {
    if (vmIds && !vmIds.includes(vm.imId)) continue;
    vm.contMsg = '';
    vm.configured = replaceFrom(vm.configured, now, structuredClone(outcome));
  }
}

function enabledOutcome(live: VmRecord[]): { delay: number; messages: Array<[number, string]> } {
  if (live.some((vm) => !getValue(vm.info.systems[0]?.set ?? { entries: [] }, 'net_interface.0.connection'))) {
    return { delay: RUNNING_WAIT_MS, messages: [[RUNNING_WAIT_MS, 'Contextualization Error: Error waiting all the VMs to be running.']] };
  }
  if (live.some((vm) => publicInterfaces(vm).some((i) => i !== 0))) {
    return { delay: PUBLIC_IP_WAIT_MS, messages: [[PUBLIC_IP_WAIT_MS, 'Contextualization Error: Error waiting all the VMs to have a correct IP.']] };
  }
  if (live.some((vm) => isLinux(vm) && publicInterfaces(vm).includes(0))) {
    return {
      delay: SSH_WAIT_MS,
      messages: [[0, 'Select master VM'], [0, 'Wait master VM to boot'], [SSH_WAIT_MS, 'Contextualization Error: Error waiting the master VM to be accessible by SSH.']],
    };
  }
  return {
    delay: NO_MASTER_MS,
    messages: [
      [0, 'Select master VM'],
      [NO_MASTER_MS, 'Contextualization Error: No correct Master VM found. Check if there a linux VM with Public IP.'],
      [NO_MASTER_MS, 'Error in the ansible installation process: No master VM found.'],
    ],
  };
}

function isLinux(vm: VmRecord): boolean {
  const os = getValue(vm.info.systems[0]?.set ?? { entries: [] }, 'disk.0.os.name');
  return typeof os === 'string' && os.toLowerCase() === 'linux';
}

/** publicInterfaces lists the interface indices connected to a network with outbound = 'yes'. */
export function publicInterfaces(vm: VmRecord): number[] {
  const system = vm.info.systems[0];
  const out: number[] = [];
  for (let i = 0; system; i++) {
    const connection = getValue(system.set, `net_interface.${i}.connection`);
    if (typeof connection !== 'string' || !connection) break;
    const network = getNetwork(vm.info, connection);
    if (network && getValue(network.set, 'outbound') === 'yes') out.push(i);
  }
  return out;
}

/** addContMsg is InfrastructureInfo.add_cont_msg: a timestamped line. */
export function addContMsg(store: ImStore, inf: InfraRecord, message: string): void {
  const now = store.now();
  inf.contMsg.push({ at: now, value: `${pyTimestamp(now)}: ${message}\n` });
}

/** setNow sets a timeline's value from now on, dropping what was scheduled after now. */
export function setNow<T>(timeline: Timeline<T>, now: number, value: T): Timeline<T> {
  return [...timeline.filter((s) => s.at <= now), { at: now, value }];
}
