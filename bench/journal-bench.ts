/**
 * Journal benchmark: the file journal's cost per mutating call as a XenAPI create pays it, alone
 * (no backend, no wire). A FileStateStore in a temporary directory takes its lock (so every batch
 * passes the lock-file fence, as in a run), then N objects each make M journaled calls
 * (`begin`, a stand-in call of `--call-ms` on a timer, `resolve`) with C objects in progress.
 * Prints converge's CPU per object (process.cpuUsage, user + system), wall, and the fdatasyncs
 * and writes it took (counted on FileHandle / fs.writeSync).
 *
 *   node dist/bench/journal-bench.js --n 1000 --calls 6 --concurrency 128 --call-ms 1 --rounds 3
 */
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchArgs } from './bench-args.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { FileStateStore } from '../src/state/file-store.js';

const values = benchArgs(import.meta.url, {
  n: { type: 'string', default: '1000' },
  calls: { type: 'string', default: '6' },
  concurrency: { type: 'string', default: '128' },
  'call-ms': { type: 'string', default: '1' },
  rounds: { type: 'string', default: '3' },
});
const n = Number(values.n);
const calls = Number(values.calls);
const concurrency = Number(values.concurrency);
const callMs = Number(values['call-ms']);

const counts = { datasync: 0, write: 0 };
const probe = await open(join(tmpdir(), `journal-bench-probe-${process.pid}`), 'w');
const handleProto = Object.getPrototypeOf(probe) as { datasync(): Promise<void>; write(...args: unknown[]): Promise<unknown> };
await probe.close();
await rm(join(tmpdir(), `journal-bench-probe-${process.pid}`), { force: true });
const datasync = handleProto.datasync;
const handleWrite = handleProto.write;
handleProto.datasync = function (this: unknown) {
  counts.datasync += 1;
  return datasync.call(this);
};
handleProto.write = function (this: unknown, ...args: unknown[]) {
  counts.write += 1;
  return handleWrite.apply(this, args);
};
const writeSync = fs.writeSync;
(fs as { writeSync: typeof fs.writeSync }).writeSync = ((...args: Parameters<typeof fs.writeSync>) => {
  counts.write += 1;
  return writeSync(...args);
}) as typeof fs.writeSync;
syncBuiltinESMExports(); // named imports of writeSync see the counting one

async function round(): Promise<{ cpuMs: number; wallMs: number; datasyncs: number; writes: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'journal-bench-'));
  const store = new FileStateStore({ path: join(dir, 'state.json') });
  const lock = await store.acquire({ timeoutMs: 1000, command: 'journal-bench' });
  const before = { ...counts };
  const cpu = process.cpuUsage();
  const start = performance.now();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < n) {
      const key = `Infrastructure/bench/vm/node-${next++}`;
      for (let c = 0; c < calls; c += 1) {
        const intent = await store.journal.begin({ key, backend: 'xen', method: 'VM.set_memory_limits', target: `vm ${key} memory 32Mi`, action: 'create' });
        await sleep(callMs);
        await store.journal.resolve(intent.id, { status: 'done' });
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  await store.journal.close();
  await lock.release();
  await rm(dir, { recursive: true, force: true });
  return { cpuMs: (used.user + used.system) / 1000, wallMs, datasyncs: counts.datasync - before.datasync, writes: counts.write - before.write };
}

console.log(`journal benchmark: ${n} objects × ${calls} journaled calls, ${concurrency} in progress, calls of ${callMs} ms, node ${process.version}`);
for (let r = 1; r <= Number(values.rounds); r += 1) {
  const f = await round();
  console.log(
    `round ${r}: cpu ${(f.cpuMs / n).toFixed(3)} ms/object (${((f.cpuMs * 1000) / (n * calls * 2)).toFixed(1)} µs/line) · wall ${(f.wallMs / 1000).toFixed(2)} s · ` +
      `fdatasyncs ${f.datasyncs} (${(f.datasyncs / n).toFixed(2)}/object) · writes ${f.writes}`,
  );
}
