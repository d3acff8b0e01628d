/**
 * What IM's wire costs per infrastructure read: the two calls of an observe (GetInfrastructureState,
 * then ExportInfrastructure), 4 in flight (IM's `limits.connections`), against `converge sim im`
 * in its own process, which closes every connection after its reply as IM does (HTTP/1.0). Prints
 * per infrastructure the client's CPU (process.cpuUsage) and the simulator's CPU (its
 * /proc/<pid>/stat), and the wall, for:
 *
 *   xmlrpc-client  converge's XmlRpcClient on its keep-alive pool (src/xmlrpc: undici Pool),
 *                  asking for gzip: how the IM driver called before connectionPerCall;
 *   oneshot        XmlRpcClient with connectionPerCall (oneshot-transport.ts), asking for gzip;
 *   oneshot-plain  the same without gzip: how the IM driver calls a loopback IM now;
 *   bare-net       a bare connection per call on node:net (same request bytes and codec, gunzip,
 *                  a timer per call): the floor of a Node transport for a server that closes
 *                  after each reply, measured for comparison only (not a client of converge's);
 *   bare-net-plain the same without `Accept-Encoding: gzip` (neither side compresses).
 *
 * No converge pass runs: manifests, plan and state are left out, so the figures are the wire's.
 *
 *   npm run build && node dist/bench/im-wire-bench.js --n 1000 --rounds 2
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { benchArgs } from './bench-args.js';
import { gunzipSync } from 'node:zlib';
import { XmlRpcClient } from '../src/xmlrpc/client.js';
import { decodeResponseNow, encodeCall } from '../src/xmlrpc/codec.js';
import type { XmlRpcValue } from '../src/xmlrpc/value.js';

type Call = (method: string, params: XmlRpcValue[]) => Promise<XmlRpcValue>;

const AUTH: XmlRpcValue[] = [
  { id: 'im', type: 'InfrastructureManager', username: 'bench', password: 'bench-pw' },
  { id: 'dummy', type: 'Dummy' },
];
const RADL = (i: number): string =>
  `description converge (\nconverge.owner = 'wire' and\nconverge.key = 'Infrastructure/bench-${i}'\n)\nnetwork net ( outbound = 'no' )\n` +
  `system node (\ncpu.count >= 1 and\nmemory.size >= 1g and\nnet_interface.0.connection = 'net' and\ndisk.0.image.url = 'mock0://img'\n)\ncontextualize ()\ndeploy node 2\n`;
const IN_FLIGHT = 4;

const values = benchArgs(import.meta.url, { n: { type: 'string', default: '1000' }, rounds: { type: 'string', default: '2' } });
const n = Number(values.n);
const sim = await startSimulator();
try {
  const client = new XmlRpcClient({ url: sim.url, maxSockets: IN_FLIGHT, acceptGzip: true });
  const oneshot = new XmlRpcClient({ url: sim.url, maxSockets: IN_FLIGHT, acceptGzip: true, connectionPerCall: true });
  const oneshotPlain = new XmlRpcClient({ url: sim.url, maxSockets: IN_FLIGHT, connectionPerCall: true });
  const ids: string[] = [];
  await inFlight(n, async () => {
    const [ok, id] = (await client.call('CreateInfrastructure', [RADL(ids.length), AUTH])) as [boolean, string];
    if (!ok) throw new Error(`create failed: ${id}`);
    ids.push(id);
  });
  const url = new URL(sim.url);
  const ways: Record<string, Call> = {
    'xmlrpc-client': (method, params) => client.call(method, params),
    oneshot: (method, params) => oneshot.call(method, params),
    'oneshot-plain': (method, params) => oneshotPlain.call(method, params),
    'bare-net': bareCall(url, true),
    'bare-net-plain': bareCall(url, false),
  };
  // One read of every infrastructure first: the simulator prints an export's sim_state once per change.
  await readAll(ids, ways['xmlrpc-client']!);
  console.log(`IM wire: ${n} infrastructures (2 VMs each), GetInfrastructureState + ExportInfrastructure each, ${IN_FLIGHT} in flight, node ${process.version}`);
  console.log('way              round   client CPU/inf   sim CPU/inf     wall');
  for (let round = 1; round <= Number(values.rounds); round += 1) {
    for (const [name, call] of Object.entries(ways)) {
      await readAll(ids.slice(0, Math.min(200, n)), call); // warm-up
      const simBefore = sim.cpuMs();
      const before = process.cpuUsage();
      const started = performance.now();
      await readAll(ids, call);
      const wall = performance.now() - started;
      const cpu = process.cpuUsage(before);
      const simMs = sim.cpuMs() - simBefore;
      console.log(`${name.padEnd(16)} ${String(round).padStart(5)}   ${((cpu.user + cpu.system) / 1000 / n).toFixed(3).padStart(9)} ms   ${(simMs / n).toFixed(3).padStart(8)} ms   ${(wall / 1000).toFixed(2).padStart(6)} s`);
    }
  }
  client.close();
  oneshot.close();
  oneshotPlain.close();
} finally {
  sim.stop();
}

async function readAll(ids: readonly string[], call: Call): Promise<void> {
  let next = 0;
  await inFlight(ids.length, async () => {
    const id = ids[next++]!;
    await call('GetInfrastructureState', [id, AUTH]);
    const [ok] = (await call('ExportInfrastructure', [id, false, AUTH])) as [boolean];
    if (!ok) throw new Error('export failed');
  });
}

/** inFlight runs `task` `count` times, IN_FLIGHT at a time. */
async function inFlight(count: number, task: () => Promise<void>): Promise<void> {
  let started = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (started < count) {
        started += 1;
        await task();
      }
    }),
  );
}

/** bareCall: one connection per call on node:net; the reply is read to the server's close. */
function bareCall(url: URL, gzip: boolean): Call {
  const head = `POST ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: text/xml\r\n${gzip ? 'Accept-Encoding: gzip\r\n' : ''}User-Agent: converge\r\nConnection: close\r\n`;
  return (method, params) => {
    const body = encodeCall(method, params);
    const request = `${head}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      const socket = connect(Number(url.port), url.hostname);
      const timer = setTimeout(() => socket.destroy(new Error('timeout')), 60_000);
      socket.setNoDelay(true);
      socket.on('connect', () => socket.end(request));
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      socket.on('end', () => {
        clearTimeout(timer);
        const all = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
        const split = all.indexOf('\r\n\r\n');
        const headers = all.subarray(0, split).toString('latin1');
        if (!headers.startsWith('HTTP/1.1 200')) return reject(new Error(headers.split('\r\n')[0]));
        const raw = all.subarray(split + 4);
        const decoded = decodeResponseNow(/\r\ncontent-encoding:\s*gzip/i.test(headers) ? gunzipSync(raw) : raw);
        if (decoded.ok) resolve(decoded.value);
        else reject(new Error(decoded.faultString));
      });
    });
  };
}

/** startSimulator runs `converge sim im` (no create time) and reads its CPU from /proc. */
function startSimulator(): Promise<{ url: string; cpuMs(): number; stop(): void }> {
  const cli = new URL('../src/cli/main.js', import.meta.url).pathname;
  const child = spawn(process.execPath, [cli, 'sim', 'im', '--port', '0', '--json', '--create-base-ms', '0', '--create-ms-per-vm', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const ticks = 100; // USER_HZ on Linux
  const cpuMs = (): number => {
    const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticks;
  };
  return new Promise((resolve, reject) => {
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const match = /"url":"([^"]+)"/.exec(text);
      if (match) resolve({ url: match[1]!, cpuMs, stop: () => child.kill('SIGTERM') });
    });
    child.on('exit', (code) => reject(new Error(`simulator exited with ${code}`)));
  });
}
