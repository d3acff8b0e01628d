import { startImSimulator } from '../../src/backends/im/sim/index.js';
import { runBackendContract } from './contract.js';
import { liveInfrastructures } from '../helpers/im-sim-state.js';

const SECRET = 'contract-im-secret-9f3a';

runBackendContract({
  type: 'im',
  keys: ['Infrastructure/alpha', 'Infrastructure/beta'],
  secret: SECRET,
  readMethod: 'GetInfrastructureList',
  rejectCreate: { method: 'CreateInfrastructure', mode: 'result', result: [false, 'No cloud provider available'] },
  async startSimulator() {
    const server = await startImSimulator();
    return {
      url: server.url,
      liveKeys: async () => liveInfrastructures(server.sim.dump()).map((i) => i.key!).filter(Boolean),
      injectFault: (rule) => server.sim.knobs.faults.add(rule),
      close: () => server.close(),
    };
  },
  // An IM without a user list takes any username/password pair as a new identity (apis/im.md §g).
  otherIdentity: { 'auth.dat': `id = im; type = InfrastructureManager; username = contract; password = changed-${SECRET}\nid = dummy; type = Dummy\n` },
  manifests: (url) => ({
    'auth.dat': `id = im; type = InfrastructureManager; username = contract; password = ${SECRET}\nid = dummy; type = Dummy\n`,
    'backend.yaml': `apiVersion: converge/v1\nkind: Backend\nmetadata: {name: im}\nspec: {type: im, url: "${url}", credentials: {fromFile: auth.dat}}\n`,
    'infra.yaml': ['alpha', 'beta']
      .map(
        (name) =>
          `apiVersion: converge/v1\nkind: Infrastructure\nmetadata: {name: ${name}}\nspec:\n  backend: im\n  networks: [{name: lan}]\n` +
          `  systems: [{name: vm, cpu: 1, memory: 1Gi, image: "mock0://img", interfaces: [lan]}]\n  deploy: {vm: 2}\n`,
      )
      .join('---\n'),
  }),
});
