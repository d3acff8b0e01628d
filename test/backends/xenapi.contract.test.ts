import { startXenApiSimulator } from '../../src/backends/xenapi/sim/index.js';
import { runBackendContract } from './contract.js';
import { markedKeys } from '../helpers/xen-sim-state.js';

const SECRET = 'contract-xen-secret-7c1d';

runBackendContract({
  type: 'xenapi',
  keys: ['Infrastructure/alpha/network/lan', 'Infrastructure/alpha/vm/node-0', 'Infrastructure/alpha/vm/node-1', 'Infrastructure/beta/network/lan', 'Infrastructure/beta/vm/node-0'],
  secret: SECRET,
  readMethod: 'VM.get_all_records_where',
  rejectCreate: { method: 'Async.VM.clone', mode: 'result', result: { Status: 'Failure', ErrorDescription: ['LICENCE_RESTRICTION', 'VM.clone'] } },
  async startSimulator() {
    const server = await startXenApiSimulator({ users: [{ username: 'contract', password: SECRET }], taskDurationMs: 5 });
    return {
      url: server.url,
      liveKeys: async () => markedKeys(server.sim.dump()),
      injectFault: (rule) => server.sim.knobs.faults.add(rule),
      close: () => server.close(),
    };
  },
  otherIdentity: { 'xen.cred': `username = contract\npassword = wrong-${SECRET}\n` },
  manifests: (url) => ({
    'xen.cred': `username = contract\npassword = ${SECRET}\n`,
    'backend.yaml': `apiVersion: converge/v1\nkind: Backend\nmetadata: {name: xen}\nspec: {type: xenapi, url: "${url}", credentials: {fromFile: xen.cred}, options: {shutdownTimeout: 2s}}\n`,
    'infra.yaml': [['alpha', 2], ['beta', 1]]
      .map(
        ([name, count]) =>
          `apiVersion: converge/v1\nkind: Infrastructure\nmetadata: {name: ${name}}\nspec:\n  backend: xen\n  networks: [{name: lan}]\n` +
          `  systems: [{name: node, cpu: 1, memory: 512Mi, image: "Debian Bookworm 12", disks: [{size: 1Gi}], interfaces: [lan]}]\n  deploy: {node: ${count}}\n`,
      )
      .join('---\n'),
  }),
});
