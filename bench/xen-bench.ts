/**
 * XenAPI benchmark: N VMs (default 10, 100, 1000) from nothing to running on the XenAPI
 * simulator, then a no-op pass (harness.ts says what is measured). VMs are cloned from "Other
 * install media" with 32 MiB (34 MiB with xapi's overhead); the simulated pool gets as many
 * 64 GiB hosts (`--hosts`) as N such VMs need, plus one, and xapi's placement spreads them.
 *
 *   npm run bench:xen -- --counts 1000,5000
 *   node dist/bench/xen-bench.js --latency 5 --counts 100,1000 --concurrency 16   # the old setting
 *   node dist/bench/xen-bench.js --child --n 1000 --url http://127.0.0.1:8899/   # a simulator you started
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMain, runBenchmark, type Scenario } from './harness.js';

/**
 * The benchmark's settings, as a user with a big pool would set them: many VMs in progress at
 * once (`limits.concurrency`, the harness's `--concurrency`, default here 128), few calls in
 * flight (`limits.connections` 16: xen-orchestra keeps at most 20 calls in flight, xenapi.md §6).
 * A VM's create is mostly waiting (three Async tasks of 30 ms and the journal's fdatasyncs), so
 * actions in progress, not sockets, bound the wall at the old 16; 128 VMs in progress hold at
 * most 128 pending tasks, under xapi's 200-task cap.
 */
const CONNECTIONS = 16;

export const xenScenario: Scenario = {
  type: 'xenapi',
  title: `XenAPI benchmark (1 VM per instance; limits.connections ${CONNECTIONS})`,
  self: fileURLToPath(import.meta.url),
  defaultConcurrency: 128,
  connections: CONNECTIONS,
  simArgs: (n) => ['--hosts', String(Math.ceil((n * 34) / (60 * 1024)) + 1)],
  async writeManifests(dir, url, n, concurrency) {
    await writeFile(join(dir, 'xen.cred'), 'username = root\npassword = xenroot\n');
    const backend = `apiVersion: converge/v1\nkind: Backend\nmetadata: {name: xen}\nspec: {type: xenapi, url: "${url}", credentials: {fromFile: xen.cred}, limits: {concurrency: ${concurrency}, connections: ${CONNECTIONS}}}`;
    const infra =
      `apiVersion: converge/v1\nkind: Infrastructure\nmetadata: {name: bench}\nspec:\n  backend: xen\n  networks: [{name: net}]\n` +
      `  systems: [{name: node, cpu: 1, memory: 32Mi, image: "Other install media", interfaces: [net]}]\n  deploy: {node: ${n}}`;
    await writeFile(join(dir, 'bench.yaml'), `${backend}\n---\n${infra}\n`);
  },
};

if (isMain(import.meta.url)) await runBenchmark(xenScenario);
