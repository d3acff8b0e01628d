/**
 * PlanetLab benchmark: N slices (default 10, 100, 500; each on one node, with one member and one
 * tag) on the PLC simulator, from nothing to converged, then a no-op pass (harness.ts says what
 * is measured). A no-op pass must cost a fixed number of PLC calls whatever N: GetSession and
 * one system.multicall (GetSlices, GetSliceTags, GetNodes, GetPersons, GetSites).
 *
 *   npm run bench:planetlab                                  # N = 10, 100, 500 at 0 ms latency
 *   npm run bench:planetlab -- --latency 5 --counts 500 --concurrency 16
 *   node dist/bench/planetlab-bench.js --child --n 500 --url http://127.0.0.1:8899/PLCAPI/   # a simulator you started
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XmlRpcClient } from '../src/xmlrpc/client.js';
import { isMain, runBenchmark, type Scenario } from './harness.js';

/** PLC_CONNECTIONS: converge's default `limits.connections` for PlanetLab, written out so it shows. */
const PLC_CONNECTIONS = 8;

export const planetlabScenario: Scenario = {
  type: 'planetlab',
  title: 'PlanetLab benchmark (plc-instantiated slices: 1 node, 1 person, 1 tag each)',
  self: fileURLToPath(import.meta.url),
  connections: PLC_CONNECTIONS,
  async writeManifests(dir, url, n, concurrency) {
    // The seed site allows 10 slices; an admin raises it (the simulator's control surface).
    const control = new XmlRpcClient({ url });
    await control.call('converge.sim.plc.setSite', ['princeton', { max_slices: n + 10 }]);
    control.close();
    await writeFile(join(dir, 'plc.txt'), 'username = pi@princeton.test\npassword = pi-password\n');
    const docs = [`apiVersion: converge/v1\nkind: Backend\nmetadata: {name: plc}\nspec: {type: planetlab, url: "${url}", credentials: {fromFile: plc.txt}, limits: {concurrency: ${concurrency}, connections: ${PLC_CONNECTIONS}}}`];
    for (let i = 0; i < n; i += 1) {
      docs.push(
        `apiVersion: converge/v1\nkind: Slice\nmetadata: {name: bench-${i}}\nspec:\n  backend: plc\n  name: princeton_bench${i}\n  instantiation: plc-instantiated\n` +
          `  description: Benchmark slice ${i}\n  url: https://example.org/bench\n  nodes: [node1.princeton.test]\n  persons: [pi@princeton.test]\n  tags: {vref: f33}`,
      );
    }
    await writeFile(join(dir, 'bench.yaml'), docs.join('\n---\n'));
  },
};

if (isMain(import.meta.url)) await runBenchmark(planetlabScenario);
