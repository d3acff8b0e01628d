/**
 * Embedded simulators (`url: embedded`): the built-in simulator of a backend type runs in this
 * process on 127.0.0.1, with its state persisted under `<state dir>/sim/`, so the example
 * manifests work on a fresh machine and keep their "live" infrastructure between runs.
 *
 * Test knobs, read from the environment so that CLI-level tests can shape the embedded server:
 * CONVERGE_SIM_LATENCY_MS (per-call latency), CONVERGE_SIM_FAULTS (JSON array of fault rules,
 * see src/xmlrpc/sim/fault-rules.ts), CONVERGE_SIM_SEED (fault PRNG seed).
 */
import { join } from 'node:path';
import { ConvergeError } from '../errors/converge-error.js';
import type { BackendType } from '../manifest/types.js';
import { SimKnobs } from '../xmlrpc/sim/knobs.js';
import { parseFaultRule } from '../xmlrpc/sim/fault-rules.js';
import { startImSimulator } from './im/sim/index.js';
import { startXenApiSimulator } from './xenapi/sim/index.js';
import { startSeattleSimulator } from './seattle/sim/index.js';

export interface EmbeddedSimulator {
  url: string;
  close(): Promise<void>;
}

export function knobsFromEnv(env: NodeJS.ProcessEnv = process.env): SimKnobs {
  const knobs = new SimKnobs({ latencyMs: Number(env.CONVERGE_SIM_LATENCY_MS ?? 0), seed: Number(env.CONVERGE_SIM_SEED ?? Date.now() % 2 ** 31) });
  if (env.CONVERGE_SIM_FAULTS) {
    for (const rule of JSON.parse(env.CONVERGE_SIM_FAULTS) as unknown[]) knobs.faults.add(parseFaultRule(rule));
  }
  return knobs;
}

export async function startEmbedded(type: BackendType, backendName: string, stateDir: string): Promise<EmbeddedSimulator> {
  const persistPath = join(stateDir, 'sim', `${backendName}.${type}.json`);
  switch (type) {
    case 'im': {
      const server = await startImSimulator({ persistPath, knobs: knobsFromEnv() });
      return { url: server.url, close: () => server.close() };
    }
    case 'seattle': {
      const server = await startSeattleSimulator({ persistPath, knobs: knobsFromEnv() });
      return { url: server.url, close: () => server.close() };
    }
    case 'xenapi': {
      const server = await startXenApiSimulator({ persistPath, knobs: knobsFromEnv() });
      return { url: server.url, close: () => server.close() };
    }
    default:
      throw new ConvergeError('INVALID', 'BACKEND_TYPE_UNSUPPORTED', `backend ${backendName}: type ${type} has no embedded simulator yet`);
  }
}
