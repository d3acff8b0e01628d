/**
 * XML-RPC wire micro-benchmark: the CPU one call costs on each end. A server
 * (src/xmlrpc/server.ts with its default encoder and gzip threshold, as the IM, PLC and fedd
 * simulators run it) runs in a child process and answers three shapes; the parent's XmlRpcClient
 * makes N calls of each at a fixed concurrency and prints, per shape: µs of client CPU per call
 * (process.cpuUsage of this process, user + system), µs of server CPU per call (the child reports
 * its own process.cpuUsage through `bench.cpu`), calls/s, wall time, and the client's peak RSS
 * while the shape ran (sampled every 50 ms; RSS rarely shrinks, so read it shape after shape:
 * `all` has up to `concurrency` 9 MB replies in flight at once).
 *
 * Shapes (calls per shape: --calls; for `all` 1/1000 of it, at least 4): `small` (a XenAPI-style
 * `{Status, Value}` answer to a two-string call), `record` (one XenAPI VM record, 9 kB of XML,
 * gzipped by the server), `all` (1,000 VM records keyed by ref, as VM.get_all_records, 9 MB).
 *
 *   npm run bench:xmlrpc
 *   node dist/bench/xmlrpc-bench.js --calls 20000 --concurrency 16 --shapes small,record,all
 *   node --cpu-prof --cpu-prof-dir=prof dist/bench/xmlrpc-bench.js   # profiles both ends (node flags go to the server too)
 *   node dist/bench/xmlrpc-bench.js --close-after-reply --shapes small  # a connection per call (HTTP/1.0 servers, the IM simulator)
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { benchArgs } from './bench-args.js';
import { XmlRpcClient } from '../src/xmlrpc/client.js';
import { startXmlRpcServer } from '../src/xmlrpc/server.js';
import type { XmlRpcValue } from '../src/xmlrpc/value.js';
import { allRecords, vmRecord } from './xmlrpc-shapes.js';

const values = benchArgs(import.meta.url, {
  server: { type: 'boolean', default: false },
  calls: { type: 'string', default: '10000' },
  concurrency: { type: 'string', default: '16' },
  shapes: { type: 'string', default: 'small,record,all' },
  /** rounds repeats every shape; the figures printed are per round (noise shows as spread). */
  rounds: { type: 'string', default: '1' },
  /** close-after-reply: the server ends every connection after its reply (HTTP/1.0, as the IM simulator). */
  'close-after-reply': { type: 'boolean', default: false },
});

const SHAPES: Record<string, { method: string; params: XmlRpcValue[]; reply: XmlRpcValue; callsFactor: number }> = {
  small: { method: 'VM.get_power_state', params: ['OpaqueRef:4a0fde9c-5709-4f66-9968-64fb6162bd97', 'OpaqueRef:d2c3c2e3-0a5e-4f2b-8f4e-1f0e5c7b9a11'], reply: { Status: 'Success', Value: 'Running' }, callsFactor: 1 },
  record: { method: 'VM.get_record', params: ['OpaqueRef:4a0fde9c-5709-4f66-9968-64fb6162bd97', 'OpaqueRef:d2c3c2e3-0a5e-4f2b-8f4e-1f0e5c7b9a11'], reply: { Status: 'Success', Value: vmRecord(1) }, callsFactor: 1 },
  all: { method: 'VM.get_all_records', params: ['OpaqueRef:4a0fde9c-5709-4f66-9968-64fb6162bd97'], reply: { Status: 'Success', Value: allRecords }, callsFactor: 1 / 1000 },
};

async function serve(): Promise<void> {
  const server = await startXmlRpcServer({
    closeAfterReply: values['close-after-reply'],
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
  let peakRss = process.memoryUsage.rss();
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 50);
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
  clearInterval(sampler);
  const serverCpu = ((await client.call('bench.cpu', [])) as number) - serverBefore;
  const perCall = (us: number) => (us / n).toFixed(1).padStart(15);
  console.log(`${name.padEnd(7)} ${String(n).padStart(6)} ${perCall(cpu.user + cpu.system)} ${perCall(serverCpu)} ${rate(n / (wallMs / 1000)).padStart(8)} ${wallMs.toFixed(0).padStart(8)} ${(peakRss / 2 ** 20).toFixed(0).padStart(14)}`);
}

function rate(perSecond: number): string {
  return perSecond < 100 ? perSecond.toFixed(1) : String(Math.round(perSecond));
}

async function main(): Promise<void> {
  if (values.server) return serve();
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--server', ...(values['close-after-reply'] ? ['--close-after-reply'] : [])], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve));
  const concurrency = Number(values.concurrency);
  const client = new XmlRpcClient({ url, maxSockets: concurrency, timeoutMs: 120_000 });
  console.log(`XML-RPC wire benchmark — ${values.calls} calls per shape (all: 1/1000 of them, at least 4), concurrency ${concurrency}${values['close-after-reply'] ? ', a connection per call' : ''}, node ${process.version}`);
  console.log('shape    calls  client µs/call  server µs/call  calls/s  wall ms  client peak MB');
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
