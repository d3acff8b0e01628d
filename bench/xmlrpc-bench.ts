/**
 * XML-RPC wire micro-benchmark: the CPU one call costs on each end. A server
 * (src/xmlrpc/server.ts with its default encoder and gzip threshold, as the IM, PLC and fedd
 * simulators run it) runs in a child process and answers three shapes; the parent's XmlRpcClient
 * makes N calls of each at a fixed concurrency and prints, per shape: µs of client CPU per call
 * (process.cpuUsage of this process, user + system), µs of server CPU per call (the child reports
 * its own process.cpuUsage through `bench.cpu`), calls/s and reply bytes.
 *
 * Shapes (calls per shape: --calls, for `all` 1/1000 of it and at least 4): `small` (a XenAPI-style `{Status, Value}` answer to a two-string call), `record` (one
 * XenAPI VM record, ~4 kB of XML), `all` (1,000 VM records keyed by ref, as VM.get_all_records).
 *
 *   npm run bench:xmlrpc
 *   node dist/bench/xmlrpc-bench.js --calls 20000 --concurrency 16 --shapes small,record,all
 *   node --cpu-prof --cpu-prof-dir=prof dist/bench/xmlrpc-bench.js   # profiles both ends (node flags go to the server too)
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { XmlRpcClient } from '../src/xmlrpc/client.js';
import { startXmlRpcServer } from '../src/xmlrpc/server.js';
import type { XmlRpcStruct, XmlRpcValue } from '../src/xmlrpc/value.js';

const { values } = parseArgs({
  options: {
    server: { type: 'boolean', default: false },
    calls: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '16' },
    shapes: { type: 'string', default: 'small,record,all' },
    /** rounds repeats every shape; the figures printed are per round (noise shows as spread). */
    rounds: { type: 'string', default: '1' },
  },
});

/** vmRecord is a XenAPI VM record as xapi returns it: ~80 fields, refs, maps, sets, sizes as strings. */
function vmRecord(i: number): XmlRpcStruct {
  const uuid = `4a0fde9c-5709-4f66-9968-${String(i).padStart(12, '0')}`;
  const ref = (cls: string, k: number) => `OpaqueRef:${cls}-${String(i * 7 + k).padStart(8, '0')}-5709-4f66-9968-64fb6162bd97`;
  const record: XmlRpcStruct = {
    uuid, allowed_operations: ['changing_dynamic_range', 'hard_reboot', 'hard_shutdown', 'pause', 'clean_shutdown', 'snapshot'],
    current_operations: {}, name_label: `bench-node-${i}`, name_description: 'converge: bench/node', power_state: 'Running',
    user_version: '1', is_a_template: false, is_default_template: false, suspend_VDI: 'OpaqueRef:NULL', resident_on: ref('host', 0),
    scheduled_to_be_resident_on: 'OpaqueRef:NULL', affinity: ref('host', 0), memory_overhead: '2097152', memory_target: '33554432',
    memory_static_max: '33554432', memory_dynamic_max: '33554432', memory_dynamic_min: '33554432', memory_static_min: '33554432',
    VCPUs_params: {}, VCPUs_max: '1', VCPUs_at_startup: '1', actions_after_shutdown: 'destroy', actions_after_reboot: 'restart',
    actions_after_crash: 'restart', consoles: [ref('console', 1)], VIFs: [ref('VIF', 2)], VBDs: [ref('VBD', 3), ref('VBD', 4)],
    VUSBs: [], crash_dumps: [], VTPMs: [], PV_bootloader: '', PV_kernel: '', PV_ramdisk: '', PV_args: '', PV_bootloader_args: '',
    PV_legacy_args: '', HVM_boot_policy: 'BIOS order', HVM_boot_params: { order: 'cdn' }, HVM_shadow_multiplier: 1,
    platform: { timeoffset: '0', 'device-model': 'qemu-upstream-compat', nx: 'true', acpi: '1', apic: 'true', pae: 'true', viridian: 'true' },
    PCI_bus: '', other_config: { 'converge.owner': 'bench', 'converge.key': `bench/node/${i}`, base_template_name: 'Other install media', 'install-methods': 'cdrom,nfs,http,ftp' },
    domid: String(i + 1), domarch: '', last_boot_CPU_flags: { vendor: 'GenuineIntel', features: '1fcbfbff-f7fa3223-2d93fbff-00000023' },
    is_control_domain: false, metrics: ref('VM_metrics', 5), guest_metrics: ref('VM_guest_metrics', 6),
    last_booted_record: '', recommendations: '<restrictions><restriction field="memory-static-max" max="137438953472" /></restrictions>',
    xenstore_data: { 'vm-data': '' }, ha_always_run: false, ha_restart_priority: '', is_a_snapshot: false, snapshot_of: 'OpaqueRef:NULL',
    snapshots: [], snapshot_time: new Date(Date.UTC(1970, 0, 1)), transportable_snapshot_id: '', blobs: {}, tags: ['bench', 'converge'],
    blocked_operations: {}, snapshot_info: {}, snapshot_metadata: '', parent: 'OpaqueRef:NULL', children: [], bios_strings: {},
    protection_policy: 'OpaqueRef:NULL', is_snapshot_from_vmpp: false, snapshot_schedule: 'OpaqueRef:NULL', is_vmss_snapshot: false,
    appliance: 'OpaqueRef:NULL', start_delay: '0', shutdown_delay: '0', order: '0', VGPUs: [], attached_PCIs: [], suspend_SR: 'OpaqueRef:NULL',
    version: '0', generation_id: '', hardware_platform_version: '0', has_vendor_device: false, requires_reboot: false, reference_label: '',
    domain_type: 'hvm', NVRAM: {}, pending_guidances: [],
  };
  return record;
}

const allRecords: XmlRpcStruct = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`OpaqueRef:vm-${i}`, vmRecord(i)]));

const SHAPES: Record<string, { method: string; params: XmlRpcValue[]; reply: XmlRpcValue; callsFactor: number }> = {
  small: { method: 'VM.get_power_state', params: ['OpaqueRef:4a0fde9c-5709-4f66-9968-64fb6162bd97', 'OpaqueRef:d2c3c2e3-0a5e-4f2b-8f4e-1f0e5c7b9a11'], reply: { Status: 'Success', Value: 'Running' }, callsFactor: 1 },
  record: { method: 'VM.get_record', params: ['OpaqueRef:4a0fde9c-5709-4f66-9968-64fb6162bd97', 'OpaqueRef:d2c3c2e3-0a5e-4f2b-8f4e-1f0e5c7b9a11'], reply: { Status: 'Success', Value: vmRecord(1) }, callsFactor: 1 },
  all: { method: 'VM.get_all_records', params: ['OpaqueRef:4a0fde9c-5709-4f66-9968-64fb6162bd97'], reply: { Status: 'Success', Value: allRecords }, callsFactor: 1 / 1000 },
};

async function serve(): Promise<void> {
  const server = await startXmlRpcServer({
    dispatch: (method) => {
      if (method === 'bench.cpu') return () => { const u = process.cpuUsage(); return u.user + u.system; };
      const shape = Object.values(SHAPES).find((s) => s.method === method);
      return shape ? () => shape.reply : undefined;
    },
  });
  // Exit on the parent's kill so that a --cpu-prof profile gets written.
  process.once('SIGTERM', () => process.exit(0));
  console.log(server.url);
}

async function measure(client: XmlRpcClient, name: string, calls: number, concurrency: number): Promise<void> {
  const shape = SHAPES[name]!;
  const n = Math.max(4, Math.round(calls * shape.callsFactor));
  const workers = Math.min(n, concurrency);
  await client.call(shape.method, shape.params); // warm the path (and the sockets) first
  const serverBefore = (await client.call('bench.cpu', [])) as number;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: workers }, async () => {
    while (next < n) {
      next += 1;
      await client.call(shape.method, shape.params);
    }
  }));
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const serverCpu = ((await client.call('bench.cpu', [])) as number) - serverBefore;
  const perCall = (us: number) => (us / n).toFixed(1).padStart(15);
  console.log(`${name.padEnd(7)} ${String(n).padStart(6)} ${perCall(cpu.user + cpu.system)} ${perCall(serverCpu)} ${rate(n / (wallMs / 1000)).padStart(8)} ${wallMs.toFixed(0).padStart(8)}`);
}

function rate(perSecond: number): string {
  return perSecond < 100 ? perSecond.toFixed(1) : String(Math.round(perSecond));
}

async function main(): Promise<void> {
  if (values.server) return serve();
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--server'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve));
  const concurrency = Number(values.concurrency);
  const client = new XmlRpcClient({ url, maxSockets: concurrency, timeoutMs: 120_000 });
  console.log(`XML-RPC wire benchmark — ${values.calls} calls per shape (all: 1/1000 of them, at least 4), concurrency ${concurrency}, node ${process.version}`);
  console.log('shape    calls  client µs/call  server µs/call  calls/s  wall ms');
  try {
    for (let round = 0; round < Number(values.rounds); round += 1) {
      for (const name of values.shapes!.split(',')) await measure(client, name, Number(values.calls), concurrency);
    }
  } finally {
    client.close();
    child.kill();
  }
}

await main();
