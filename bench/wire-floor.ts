/**
 * The floor a server that closes its connection after every reply (IM: HTTP/1.0, no multicall,
 * apis/im.md) sets under any client on this machine: `--calls` round trips, `--in-flight` at
 * once, each on its own TCP connection made with bare node:net (no HTTP library, no XML codec,
 * no timers), against the most trivial server possible — a child process that answers every
 * request with the same fixed reply and closes. Nothing of converge runs: the figure is what the
 * kernel and Node's socket layer cost for the pass's connections, on both sides, so a converge
 * no-op over IM cannot be faster than it. Prints wall, and the client's and the server's CPU per
 * call (process.cpuUsage, and the server child's own report).
 *
 *   npm run build && node dist/bench/wire-floor.js                       # IM's no-op over 1,000 and 5,000 infrastructures
 *   node dist/bench/wire-floor.js --calls 2001 --in-flight 4 --reply-bytes 4000
 */
import { fork } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { once } from 'node:events';
import { benchArgs } from './bench-args.js';

const values = benchArgs(import.meta.url, {
  /** calls: comma-separated round-trip counts; IM's no-op over N infrastructures makes 2N + 1. */
  calls: { type: 'string', default: '2001,10001' },
  'in-flight': { type: 'string', default: '4' },
  /** reply-bytes: the reply body's size (an ExportInfrastructure of a 1-VM infrastructure is ~4 kB). */
  'reply-bytes': { type: 'string', default: '2000' },
  rounds: { type: 'string', default: '3' },
  server: { type: 'boolean', default: false },
});

const REQUEST_BODY = `<?xml version='1.0'?>\n<methodCall>\n<methodName>GetInfrastructureState</methodName>\n<params>\n${'<param><value><string>x</string></value></param>\n'.repeat(3)}</params>\n</methodCall>\n`;
const REQUEST = Buffer.from(`POST /RPC2 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\nContent-Length: ${Buffer.byteLength(REQUEST_BODY)}\r\nConnection: close\r\n\r\n${REQUEST_BODY}`);

/** serve: the trivial server (child mode): reads one request's head and body, writes the fixed reply, closes. */
async function serve(replyBytes: number): Promise<void> {
  const body = `<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><array><data>\n<value><boolean>1</boolean></value>\n<value><string>${'x'.repeat(replyBytes)}</string></value>\n</data></array></value>\n</param>\n</params>\n</methodResponse>\n`;
  const reply = Buffer.from(`HTTP/1.0 200 OK\r\nServer: BaseHTTP/0.6 Python/3.11\r\nContent-type: text/xml\r\nContent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  const server = createServer((socket) => {
    let got = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      got = Buffer.concat([got, chunk]);
      const head = got.indexOf('\r\n\r\n');
      if (head < 0) return;
      const length = Number(/content-length: *(\d+)/i.exec(got.subarray(0, head).toString('latin1'))?.[1] ?? 0);
      if (got.length >= head + 4 + length) socket.end(reply);
    });
    socket.on('error', () => undefined);
  });
  server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as { port: number }).port }));
  process.on('message', (message) => {
    if (message === 'cpu') process.send!({ cpu: process.cpuUsage() });
  });
}

function roundTrip(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    socket.on('connect', () => socket.write(REQUEST));
    socket.on('data', () => undefined);
    socket.on('end', () => (socket.destroy(), resolve()));
    socket.on('error', reject);
  });
}

async function measure(port: number, calls: number, inFlight: number, serverCpu: () => Promise<number>): Promise<string> {
  const serverBefore = await serverCpu();
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  let left = calls;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (left-- > 0) await roundTrip(port);
    }),
  );
  const wall = performance.now() - start;
  const cpu = process.cpuUsage(cpuBefore);
  const server = (await serverCpu()) - serverBefore;
  const perCall = (us: number): string => `${(us / 1000 / calls).toFixed(3)} ms`;
  return `${String(calls).padStart(6)} calls, ${inFlight} in flight: ${(wall / 1000).toFixed(2)} s wall · client CPU ${perCall(cpu.user + cpu.system)} per call (user ${perCall(cpu.user)}, system ${perCall(cpu.system)}) · server CPU ${perCall(server)} per call`;
}

async function main(): Promise<void> {
  const replyBytes = Number(values['reply-bytes']);
  if (values.server) return serve(replyBytes);
  const child = fork(new URL(import.meta.url).pathname, ['--server', '--reply-bytes', String(replyBytes)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const [{ port }] = (await once(child, 'message')) as [{ port: number }];
  const serverCpu = async (): Promise<number> => {
    child.send('cpu');
    const [{ cpu }] = (await once(child, 'message')) as [{ cpu: NodeJS.CpuUsage }];
    return cpu.user + cpu.system;
  };
  console.log(`connection-per-call floor — bare node:net client and a trivial server (own process), reply body ${replyBytes} bytes, node ${process.version}`);
  for (const calls of values.calls!.split(',').map(Number)) {
    for (let round = 0; round < Number(values.rounds); round += 1) {
      console.log(await measure(port, calls, Number(values['in-flight']), serverCpu));
    }
  }
  child.kill();
}

await main();
