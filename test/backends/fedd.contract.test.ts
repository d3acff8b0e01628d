import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningFeddSimulator } from '../../src/backends/fedd/sim/index.js';
import { runBackendContract } from './contract.js';
import { experiment, feddBackend, identityFiles, liveAllocations, recordedAllocations, startFedd } from '../helpers/fedd.js';

/** The simulator of the current test, its client identity, and an identity it does not authorize. */
let sim: RunningFeddSimulator;
let intruder = { certPem: '', keyPem: '' };
/** One PKI (CA, server and client certificates) for every test: key generation is the slow part. */
const pkiDir = mkdtempSync(join(tmpdir(), 'fedd-contract-pki-'));

runBackendContract({
  type: 'fedd',
  keys: ['Infrastructure/alpha', 'Infrastructure/beta'],
  // A line of converge's private key: it must never leave the key file.
  get secret() {
    return sim.client.keyPem.split('\n')[3]!;
  },
  readMethod: 'InfoSegment',
  rejectCreate: { method: 'RequestAccess', mode: 'fault', faultCode: 'Server Configuration Error', faultString: 'no project mapping for converge' },
  async startSimulator() {
    sim = await startFedd(['east', 'west'], { pkiDir });
    intruder = await sim.sim.pki.issueClient('intruder');
    return {
      url: sim.testbeds[0]!.url,
      liveKeys: async (dir) => {
        const live = new Set(liveAllocations(sim.sim).map((a) => a.id));
        return Object.entries(recordedAllocations(dir))
          .filter(([, allocations]) => Object.values(allocations).some((id) => live.has(id)))
          .map(([key]) => key);
      },
      // RequestAccess rejections hit one testbed only, so exactly one experiment fails.
      injectFault: (rule) => {
        for (const t of rule.method === 'RequestAccess' ? ['east'] : sim.sim.testbedNames) sim.sim.knobs(t).faults.add(rule);
      },
      close: () => sim.close(),
    };
  },
  // A certificate the simulator's CA signed but no testbed authorizes, and no allocation is bound to.
  get otherIdentity() {
    return { 'converge.pem': intruder.certPem, 'converge.key': intruder.keyPem };
  },
  manifests: () => ({
    ...identityFiles(sim, sim.client),
    'backend.yaml': feddBackend(sim),
    'infra.yaml': ['alpha', 'beta']
      .map((name) =>
        experiment(
          name,
          '  networks: [{name: lan}, {name: wan, connection: ssh}]\n' +
            '  systems:\n' +
            '    - {name: node, cpu: 1, memory: 1Gi, image: Ubuntu1804-64-STD, testbed: east, interfaces: [lan, wan]}\n' +
            '    - {name: peer, cpu: 1, memory: 1Gi, image: Ubuntu1804-64-STD, testbed: west, interfaces: [wan]}\n' +
            '  deploy: {node: 2, peer: 1}\n',
        ),
      )
      .join('---\n'),
  }),
});
