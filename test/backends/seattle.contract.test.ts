import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSeattleSimulator } from '../../src/backends/seattle/sim/index.js';
import { runBackendContract } from './contract.js';

const API_KEY = 'CONTRACTKEY0123456789ABCDEFGHJKL';
const OTHER_KEY = 'OTHERACCOUNT0123456789ABCDEFGHJK';

/** liveKeys maps the handles state recorded per VesselSet to what the simulator says is held. */
function liveKeys(held: Set<string>, dir: string): string[] {
  const state = JSON.parse(readFileSync(join(dir, '.converge', 'state.json'), 'utf8')) as { objects: Record<string, { extra?: { handles?: Record<string, string> } }> };
  return Object.entries(state.objects)
    .filter(([, record]) => Object.keys(record.extra?.handles ?? {}).some((h) => held.has(h)))
    .map(([key]) => key);
}

runBackendContract({
  type: 'seattle',
  keys: ['VesselSet/alpha', 'VesselSet/beta'],
  secret: API_KEY,
  readMethod: 'get_resource_info',
  rejectCreate: { method: 'acquire_resources', mode: 'fault', faultCode: 103, faultString: 'You do not have enough vessel credits to fulfill this request.' },
  async startSimulator() {
    const server = await startSeattleSimulator({
      accounts: [
        { username: 'carol', apiKey: API_KEY, maxVessels: 20 },
        { username: 'dave', apiKey: OTHER_KEY, maxVessels: 20 },
      ],
      backendDelayMs: 0,
    });
    return {
      url: server.url,
      liveKeys: async (dir) => liveKeys(new Set(server.sim.dump().accounts.flatMap((a) => a.vessels.map((v) => v.handle))), dir),
      injectFault: (rule) => server.sim.knobs.faults.add(rule),
      close: () => server.close(),
    };
  },
  // Another valid account: its vessels are not the ones state records, which must not look expired.
  otherIdentity: { 'seattle.txt': `username = dave\napi_key = ${OTHER_KEY}\n` },
  manifests: (url) => ({
    'seattle.txt': `username = carol\napi_key = ${API_KEY}\n`,
    'backend.yaml': `apiVersion: converge/v1\nkind: Backend\nmetadata: {name: seattle}\nspec: {type: seattle, url: "${url}", credentials: {fromFile: seattle.txt}}\n`,
    'vessels.yaml': ['alpha', 'beta']
      .map((name) => `apiVersion: converge/v1\nkind: VesselSet\nmetadata: {name: ${name}}\nspec:\n  backend: seattle\n  vessels: {wan: 2, lan: 1}\n`)
      .join('---\n'),
  }),
});
