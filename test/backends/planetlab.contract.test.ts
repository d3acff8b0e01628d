import { startPlanetLabSimulator } from '../../src/backends/planetlab/sim/index.js';
import { runBackendContract } from './contract.js';
import { backendYaml, markedKeys, plcDump, sliceYaml } from '../helpers/planetlab.js';

// The seed PI's password is a documented fixture; this contract's PLC has its own.
const PASSWORD = 'pi-password';

runBackendContract({
  type: 'planetlab',
  keys: ['Slice/alpha', 'Slice/beta'],
  secret: PASSWORD,
  // Every observation is one system.multicall (after GetSession): failing it makes PLC unobservable.
  readMethod: 'system.multicall',
  rejectCreate: { method: 'AddSlice', mode: 'fault', faultCode: 102, faultString: 'person_id 3: AddSlice: Invalid argument: Site Princeton University has reached (10) its maximum allowable slice count (10)' },
  async startSimulator() {
    const server = await startPlanetLabSimulator();
    return {
      url: server.url,
      liveKeys: async () => markedKeys(await plcDump(server.url), server.sim.knobs.clock.now()),
      injectFault: (rule) => server.sim.knobs.faults.add(rule),
      close: () => server.close(),
    };
  },
  // Another account of the same site: a plain user sees only the slices it is a member of, so
  // PLC silently leaves ours out; that must not read as "gone".
  otherIdentity: { 'plc.txt': 'username = user@princeton.test\npassword = user-password\n' },
  manifests: (url) => ({
    'plc.txt': `username = pi@princeton.test\npassword = ${PASSWORD}\n`,
    'backend.yaml': backendYaml(url),
    'slices.yaml': [sliceYaml('alpha', 'princeton_alpha', { nodes: ['node1.princeton.test'], persons: ['user@princeton.test'], tags: '{vref: f33}' }), sliceYaml('beta', 'princeton_beta')].join('---\n'),
  }),
});
