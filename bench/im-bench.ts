/**
 * IM benchmark: N infrastructures (default 10, 100, 1000; one system, 2 VMs each) on the IM
 * simulator, from nothing to configured, then a no-op pass (harness.ts says what is measured).
 *
 *   npm run bench                      # N = 10, 100, 1000 at 0 ms latency
 *   npm run bench -- --latency 5 --counts 100,1000 --concurrency 16
 *   node dist/bench/im-bench.js --child --n 1000 --url http://127.0.0.1:8899/   # a simulator you started
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMain, runBenchmark, type Scenario } from './harness.js';

export const imScenario: Scenario = {
  type: 'im',
  title: 'IM benchmark (2 VMs per infrastructure)',
  self: fileURLToPath(import.meta.url),
  async writeManifests(dir, url, n, concurrency) {
    await writeFile(join(dir, 'auth.dat'), 'id = im; type = InfrastructureManager; username = bench; password = bench-pw\nid = dummy; type = Dummy\n');
    const docs = [`apiVersion: converge/v1\nkind: Backend\nmetadata: {name: im}\nspec: {type: im, url: "${url}", credentials: {fromFile: auth.dat}, limits: {concurrency: ${concurrency}}}`];
    for (let i = 0; i < n; i += 1) {
      docs.push(
        `apiVersion: converge/v1\nkind: Infrastructure\nmetadata: {name: bench-${i}}\nspec:\n  backend: im\n  networks: [{name: net}]\n` +
          `  systems: [{name: node, cpu: 1, memory: 1Gi, image: "mock0://img", interfaces: [net]}]\n  deploy: {node: 2}`,
      );
    }
    await writeFile(join(dir, 'bench.yaml'), docs.join('\n---\n'));
  },
};

if (isMain(import.meta.url)) await runBenchmark(imScenario);
