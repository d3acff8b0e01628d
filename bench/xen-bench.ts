/**
 * XenAPI benchmark: N VMs (default 10, 100, 1000) from nothing to running on the XenAPI
 * simulator, then a no-op pass (harness.ts says what is measured). VMs are cloned from "Other
 * install media" with 32 MiB (34 MiB with xapi's overhead); the simulated pool gets as many
 * 64 GiB hosts (`--hosts`) as N such VMs need, plus one, and xapi's placement spreads them.
 *
 *   npm run bench:xen
 *   node dist/bench/xen-bench.js --latency 5 --counts 100,1000 --concurrency 16
 *   node dist/bench/xen-bench.js --child --n 1000 --url http://127.0.0.1:8899/   # a simulator you started
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMain, runBenchmark, type Scenario } from './harness.js';

export const xenScenario: Scenario = {
  type: 'xenapi',
  title: 'XenAPI benchmark (1 VM per instance)',
  self: fileURLToPath(import.meta.url),
  simArgs: (n) => ['--hosts', String(Math.ceil((n * 34) / (60 * 1024)) + 1)],
  async writeManifests(dir, url, n, concurrency) {
    await writeFile(join(dir, 'xen.cred'), 'username = root\npassword = xenroot\n');
    const backend = `apiVersion: converge/v1\nkind: Backend\nmetadata: {name: xen}\nspec: {type: xenapi, url: "${url}", credentials: {fromFile: xen.cred}, limits: {concurrency: ${concurrency}}}`;
    const infra =
      `apiVersion: converge/v1\nkind: Infrastructure\nmetadata: {name: bench}\nspec:\n  backend: xen\n  networks: [{name: net}]\n` +
      `  systems: [{name: node, cpu: 1, memory: 32Mi, image: "Other install media", interfaces: [net]}]\n  deploy: {node: ${n}}`;
    await writeFile(join(dir, 'bench.yaml'), `${backend}\n---\n${infra}\n`);
  },
};

if (isMain(import.meta.url)) await runBenchmark(xenScenario);
