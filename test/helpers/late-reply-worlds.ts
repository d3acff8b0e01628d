/**
 * One "world" per backend for the late-reply harness (test/cli/late-replies.test.ts): the
 * manifests of each step of a trial (create, scale, prune), the methods whose replies are held,
 * and the ground truth read from the simulator in its own process (control calls) and from
 * converge's state file: the extras no converged run may leave (unmarked VMs, a key carried
 * twice, leaked disks, vessels or infrastructures that state does not know) and how the live
 * objects differ from what a step wants.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SEED_UUIDS, type XenSimDump } from '../../src/backends/xenapi/sim/index.js';
import type { SeattleSimDump } from '../../src/backends/seattle/sim/index.js';
import type { ImSimDump } from '../../src/backends/im/sim/index.js';
import { XmlRpcClient } from '../../src/xmlrpc/client.js';
import type { XmlRpcValue } from '../../src/xmlrpc/value.js';
import { XEN_CREDENTIALS } from './xen-manifests.js';
import { liveInfrastructures } from './im-sim-state.js';

/** Counts says how many of each thing the two resources of a step want; `b` absent: pruned. */
export interface Counts {
  a: number;
  b?: number;
}

/** Truth is what one look at the simulator and the state found. */
export interface Truth {
  /** extras describes each object no converged run may leave behind. */
  extras: string[];
  /** mismatches describes how the live objects differ from the step's counts. */
  mismatches: string[];
}

export interface World {
  type: 'xenapi' | 'seattle' | 'im';
  /** mutating lists the API methods whose replies are held past the client's timeout. */
  mutating: string[];
  /** lateFraction is the share of those calls answered late (fewer for backends with many calls per object). */
  lateFraction: number;
  /** prepare sets the simulator up once (credits, …) over its control API. */
  prepare(control: Control): Promise<void>;
  files(url: string, counts: Counts): Record<string, string>;
  look(control: Control, dir: string, counts: Counts): Promise<Truth>;
}

/** Control calls a simulator's `converge.sim.*` methods. */
export class Control {
  readonly #client: XmlRpcClient;

  constructor(url: string) {
    this.#client = new XmlRpcClient({ url, timeoutMs: 10_000 });
  }

  call(method: string, params: XmlRpcValue[] = []): Promise<XmlRpcValue> {
    return this.#client.call(method, params);
  }

  /** lateReplies holds the reply of every call of `methods` for `delayMs` (the calls act at once). */
  async lateReplies(methods: readonly string[], delayMs: number, fraction: number): Promise<void> {
    for (const method of methods) await this.call('converge.sim.injectFault', [{ method, mode: 'late-reply', delayMs, fraction }]);
  }

  close(): void {
    this.#client.close();
  }
}

type StateFile = { objects: Record<string, { key: string; ids: Record<string, string>; extra?: { handles?: Record<string, string> } }> };

async function readState(dir: string): Promise<StateFile> {
  const text = await readFile(join(dir, '.converge', 'state.json'), 'utf8').catch(() => '{"objects":{}}');
  return JSON.parse(text) as StateFile;
}

const backendDoc = (type: string, url: string, cred: string, extra = ''): string =>
  `apiVersion: converge/v1\nkind: Backend\nmetadata: {name: be}\nspec:\n  type: ${type}\n  url: "${url}"\n  credentials: {fromFile: ${cred}}\n` +
  `  timeouts: {call: 1s, mutate: 1s, settle: 2s}\n${extra}`;

const duplicates = (keys: string[]): string[] => [...new Set(keys.filter((k, i) => keys.indexOf(k) !== i))];

// ---------------------------------------------------------------- XenAPI

const XEN_MUTATING = [
  'Async.VM.clone', 'VM.add_to_other_config', 'VM.remove_from_other_config', 'VM.set_other_config', 'Async.VM.provision',
  'VM.set_name_label', 'VM.set_memory_limits', 'VM.set_memory_dynamic_range', 'VM.set_VCPUs_max', 'VM.set_VCPUs_at_startup',
  'Async.VDI.create', 'VBD.create', 'VBD.plug', 'VIF.create', 'VIF.plug', 'Async.VM.start', 'Async.VM.hard_shutdown',
  'VDI.destroy', 'VM.destroy', 'network.create', 'network.destroy',
];

const xenSystem = (net: string): string => `{name: node, cpu: 1, memory: 512Mi, image: "Debian Bookworm 12", disks: [{size: 1Gi}], interfaces: [${net}]}`;

const xenInfra = (name: string, net: string, count: number): string =>
  `apiVersion: converge/v1\nkind: Infrastructure\nmetadata: {name: ${name}}\nspec:\n  backend: be\n  networks: [{name: ${net}}]\n` +
  `  systems: [${xenSystem(net)}]\n  deploy: {node: ${count}}\n`;

type Row = Record<string, unknown> & { ref: string };
const SEEDED = new Set<string>(Object.values(SEED_UUIDS));
const rowsOf = (dump: XenSimDump, cls: string): Row[] => Object.entries(dump[cls] ?? {}).map(([ref, row]) => ({ ...row, ref }));
const oc = (row: Row): Record<string, string> => (row.other_config ?? {}) as Record<string, string>;

export const xenWorld: World = {
  type: 'xenapi',
  mutating: XEN_MUTATING,
  // A VM takes about ten mutating calls: a smaller share still makes several late per step.
  lateFraction: 0.15,
  prepare: async () => undefined,
  files: (url, counts) => ({
    'xen.cred': XEN_CREDENTIALS,
    'backend.yaml': backendDoc('xenapi', url, 'xen.cred', '  options: {shutdownTimeout: 1s}\n'),
    'infra.yaml': [xenInfra('web', 'lan', counts.a), ...(counts.b === undefined ? [] : [xenInfra('db', 'dbnet', counts.b)])].join('---\n'),
  }),
  async look(control, _dir, counts) {
    const dump = ((await control.call('converge.sim.xenapi.dump')) as { classes: XenSimDump }).classes;
    const guests = rowsOf(dump, 'VM').filter((vm) => vm.is_control_domain !== true && vm.is_a_snapshot !== true && !SEEDED.has(String(vm.uuid)));
    const isoSrs = new Set(rowsOf(dump, 'SR').filter((sr) => sr.content_type === 'iso').map((sr) => sr.ref));
    const marked = [...guests, ...rowsOf(dump, 'network')].filter((r) => oc(r)['converge.owner'] && oc(r)['converge.deleting'] !== 'true');
    const keys = marked.map((r) => oc(r)['converge.key']!);
    const extras = [
      ...guests.filter((vm) => !oc(vm)['converge.owner']).map((vm) => `unmarked VM ${String(vm.name_label)} (${String(vm.uuid)})`),
      ...guests.filter((vm) => oc(vm)['converge.deleting'] === 'true').map((vm) => `half-deleted VM ${String(vm.name_label)}`),
      ...duplicates(keys).map((k) => `key ${k} carried twice`),
      ...rowsOf(dump, 'VDI').filter((v) => !isoSrs.has(String(v.SR)) && (v.VBDs as string[]).length === 0).map((v) => `loose VDI ${String(v.name_label)} (${String(v.uuid)})`),
      ...rowsOf(dump, 'network').filter((n) => !oc(n)['converge.owner'] && /^(web-lan|db-dbnet)$/.test(String(n.name_label))).map((n) => `unmarked network ${String(n.name_label)}`),
    ];
    const wanted = [
      'Infrastructure/web/network/lan',
      ...Array.from({ length: counts.a }, (_, i) => `Infrastructure/web/vm/node-${i}`),
      ...(counts.b === undefined ? [] : ['Infrastructure/db/network/dbnet', ...Array.from({ length: counts.b }, (_, i) => `Infrastructure/db/vm/node-${i}`)]),
    ].sort();
    const live = [...new Set(keys)].sort();
    const mismatches = live.join() === wanted.join() ? [] : [`keys ${live.join(', ')} instead of ${wanted.join(', ')}`];
    const stopped = guests.filter((vm) => oc(vm)['converge.owner'] && vm.power_state !== 'Running').map((vm) => `VM ${String(vm.name_label)} is ${String(vm.power_state)}`);
    return { extras, mismatches: [...mismatches, ...stopped] };
  },
};

// ---------------------------------------------------------------- Seattle

const SEATTLE_KEY = 'K3YALICE012456789BDFGHJMNPQRSTUV';

const vesselSet = (name: string, vessels: string): string =>
  `apiVersion: converge/v1\nkind: VesselSet\nmetadata: {name: ${name}}\nspec:\n  backend: be\n  vessels: ${vessels}\n`;

const seattleA = (n: number): Record<string, number> => ({ wan: n, lan: 1 });
const seattleB = (n: number): Record<string, number> => ({ lan: n, wan: 1 });
const flow = (counts: Record<string, number>): string => `{${Object.entries(counts).map(([t, n]) => `${t}: ${n}`).join(', ')}}`;

export const seattleWorld: World = {
  type: 'seattle',
  mutating: ['acquire_resources', 'release_resources', 'renew_resources'],
  lateFraction: 0.5,
  // Credits well above what is wanted, so a leak shows as a leak rather than as a 103.
  prepare: async (control) => void (await control.call('converge.sim.seattle.setCredits', ['alice', 40])),
  files: (url, counts) => ({
    'creds.txt': `username = alice\napi_key = ${SEATTLE_KEY}\n`,
    'backend.yaml': backendDoc('seattle', url, 'creds.txt'),
    'sets.yaml': [vesselSet('a', flow(seattleA(counts.a))), ...(counts.b === undefined ? [] : [vesselSet('b', flow(seattleB(counts.b)))])].join('---\n'),
  }),
  async look(control, dir, counts) {
    const dump = (await control.call('converge.sim.seattle.dump')) as unknown as SeattleSimDump;
    const held = dump.accounts.find((a) => a.username === 'alice')!.vessels;
    const state = await readState(dir);
    const recorded = Object.values(state.objects).flatMap((o) => Object.keys(o.extra?.handles ?? {}));
    const heldHandles = new Set(held.map((v) => v.handle));
    const extras = [
      ...held.filter((v) => !recorded.includes(v.handle)).map((v) => `vessel ${v.handle.slice(-16)} (${v.type}) held but in no state record`),
      ...duplicates(recorded.filter((h) => heldHandles.has(h))).map((h) => `vessel ${h.slice(-16)} recorded twice`),
    ];
    const mismatches: string[] = [];
    const wanted: Record<string, Record<string, number>> = { 'VesselSet/a': seattleA(counts.a), ...(counts.b === undefined ? {} : { 'VesselSet/b': seattleB(counts.b) }) };
    for (const [key, want] of Object.entries(wanted)) {
      const handles = Object.entries(state.objects[key]?.extra?.handles ?? {}).filter(([h]) => heldHandles.has(h));
      const got: Record<string, number> = {};
      for (const [, type] of handles) got[type] = (got[type] ?? 0) + 1;
      if (['lan', 'wan', 'nat', 'random'].some((t) => (got[t] ?? 0) !== (want[t] ?? 0))) mismatches.push(`${key} holds ${flow(got)} instead of ${flow(want)}`);
    }
    const strays = Object.entries(state.objects).filter(([key, o]) => !(key in wanted) && Object.keys(o.extra?.handles ?? {}).some((h) => heldHandles.has(h)));
    mismatches.push(...strays.map(([key]) => `${key} still holds vessels`));
    return { extras, mismatches };
  },
};

// ---------------------------------------------------------------- IM

const imInfra = (name: string, count: number): string =>
  `apiVersion: converge/v1\nkind: Infrastructure\nmetadata: {name: ${name}}\nspec:\n  backend: be\n  networks: [{name: net}]\n` +
  `  systems: [{name: node, cpu: 1, memory: 512Mi, image: "mock0://img", interfaces: [net]}]\n  deploy: {node: ${count}}\n`;

export const imWorld: World = {
  type: 'im',
  mutating: ['CreateInfrastructure', 'AddResource', 'RemoveResource', 'DestroyInfrastructure', 'AlterVM', 'Reconfigure', 'StopInfrastructure', 'StartInfrastructure'],
  lateFraction: 0.5,
  prepare: async () => undefined,
  files: (url, counts) => ({
    'im-auth.dat': 'id = im; type = InfrastructureManager; username = late; password = late-test-pw\nid = dummy; type = Dummy\n',
    'backend.yaml': backendDoc('im', url, 'im-auth.dat'),
    'infra.yaml': [imInfra('web', counts.a), ...(counts.b === undefined ? [] : [imInfra('db', counts.b)])].join('---\n'),
  }),
  async look(control, dir, counts) {
    const live = liveInfrastructures((await control.call('converge.sim.im.dump')) as unknown as ImSimDump);
    const state = await readState(dir);
    const keys = live.map((i) => i.key ?? `unmarked ${i.id}`);
    const extras = [
      ...live.filter((i) => !i.key).map((i) => `unmarked infrastructure ${i.id}`),
      ...duplicates(keys).map((k) => `key ${k} carried twice`),
      ...live.filter((i) => i.key && state.objects[i.key]?.ids.infId !== i.id).map((i) => `infrastructure ${i.id} (${i.key}) in no state record`),
    ];
    const wanted: Record<string, number> = { 'Infrastructure/web': counts.a, ...(counts.b === undefined ? {} : { 'Infrastructure/db': counts.b }) };
    const mismatches = [
      ...Object.entries(wanted).flatMap(([key, n]) => {
        const vms = live.filter((i) => i.key === key).map((i) => i.vms.length);
        return vms.length === 1 && vms[0] === n ? [] : [`${key} has VMs ${JSON.stringify(vms)} instead of [${n}]`];
      }),
      ...live.filter((i) => i.key && !(i.key in wanted)).map((i) => `${i.key} is still live`),
    ];
    return { extras, mismatches };
  },
};
