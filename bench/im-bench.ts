/**
 * IM benchmark: N infrastructures (default 10, 100, 1000; one system, 2 VMs each) on the IM
 * simulator, from nothing to configured, then a no-op pass (harness.ts says what is measured).
 *
 *   npm run bench                      # N = 10, 100, 1000 at 0 ms latency
 *   npm run bench -- --latency 20 --counts 1000 --concurrency 16
 *   node dist/bench/im-bench.js --child --n 1000 --url http://127.0.0.1:8899/   # a simulator you started
 *
 * The Backend uses IM's default `limits.connections` (4: the real server's listen backlog is 5,
 * apis/im.md §g) and `limits.concurrency` from --concurrency; both are printed. With `--latency`, the
 * harness prints beside the create the bound and the one IM allows (the path's server
 * time, create included, per wave of min(concurrency, connections) infrastructures).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMain, runBenchmark, type Scenario } from './harness.js';

/** IM_CONNECTIONS is converge's default `limits.connections` for IM, written out so it shows. */
const IM_CONNECTIONS = 4;

export const imScenario: Scenario = {
  type: 'im',
  title: `IM benchmark (2 VMs per infrastructure; limits.connections ${IM_CONNECTIONS})`,
  self: fileURLToPath(import.meta.url),
  connections: IM_CONNECTIONS,
  async writeManifests(dir, url, n, concurrency) {
    await writeFile(join(dir, 'auth.dat'), 'id = im; type = InfrastructureManager; username = bench; password = bench-pw\nid = dummy; type = Dummy\n');
    const limits = `{concurrency: ${concurrency}, connections: ${IM_CONNECTIONS}}`;
    const docs = [`apiVersion: converge/v1\nkind: Backend\nmetadata: {name: im}\nspec: {type: im, url: "${url}", credentials: {fromFile: auth.dat}, limits: ${limits}}`];
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
