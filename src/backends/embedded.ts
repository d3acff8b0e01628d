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
import type { PipeRunner } from '../xmlrpc/ssh/pipe-runner.js';

export interface EmbeddedSimulator {
  url: string;
  /** nodeShell replaces ssh to the simulated nodes (planetlab: the in-process forwarder pipe). */
  nodeShell?: PipeRunner;
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
      const server = await (await import('./im/sim/index.js')).startImSimulator({ persistPath, knobs: knobsFromEnv() });
      return { url: server.url, close: () => server.close() };
    }
    case 'seattle': {
      const server = await (await import('./seattle/sim/index.js')).startSeattleSimulator({ persistPath, knobs: knobsFromEnv() });
      return { url: server.url, close: () => server.close() };
    }
    case 'xenapi': {
      const server = await (await import('./xenapi/sim/index.js')).startXenApiSimulator({ persistPath, knobs: knobsFromEnv() });
      return { url: server.url, close: () => server.close() };
    }
    case 'planetlab':
      return startEmbeddedPlanetLab(persistPath);
    default:
      throw new ConvergeError('INVALID', 'BACKEND_TYPE_UNSUPPORTED', `backend ${backendName}: type ${type} has no embedded simulator yet`);
  }
}

/** EmbeddedFedd is the built-in fedd simulator serving a backend's embedded testbeds. */
export interface EmbeddedFedd {
  /** urls maps each testbed to its access controller's URL. */
  urls: Record<string, string>;
  /** caPem signs the access controllers' certificates. */
  caPem: string;
  /** client is the certificate and key the simulator authorizes on every testbed. */
  client: { certPem: string; keyPem: string };
  close(): Promise<void>;
}

/**
 * startEmbeddedFedd serves `testbeds` as DETER access controllers in-process, state and PKI
 * under `<state dir>/sim/<backend>.fedd.json(.pki)`, so allocations and identities survive runs.
 */
export async function startEmbeddedFedd(backendName: string, stateDir: string, testbeds: string[]): Promise<EmbeddedFedd> {
  const persistPath = join(stateDir, 'sim', `${backendName}.fedd.json`);
  const server = await (await import('./fedd/sim/index.js')).startFeddSimulator({ persistPath, testbeds, knobs: knobsFromEnv() });
  return {
    urls: Object.fromEntries(server.testbeds.map((t) => [t.name, t.url])),
    caPem: server.ca.certPem,
    client: { certPem: server.client.certPem, keyPem: server.client.keyPem },
    close: () => server.close(),
  };
}

/**
 * startEmbeddedPlanetLab serves PLC and its nodes in-process. Nodes poll PLC every
 * CONVERGE_SIM_PLANETLAB_POLL_SECONDS (default 2, plus up to half again) instead of a real
 * node's 600 + 300, so the quick start's delegated slice converges in seconds; ssh to the nodes
 * is the simulator's in-process pipe to their forwarders (only here: never for a real backend).
 */
async function startEmbeddedPlanetLab(persistPath: string): Promise<EmbeddedSimulator> {
  const poll = Number(process.env.CONVERGE_SIM_PLANETLAB_POLL_SECONDS ?? 2);
  const server = await (await import('./planetlab/sim/index.js')).startPlanetLabSimulator({ persistPath, knobs: knobsFromEnv(), pollIntervalSeconds: poll, pollJitterSeconds: poll / 2 });
  const nodeShell: PipeRunner = async (request) => {
    if (request.signal?.aborted) throw new ConvergeError('TERMINAL', 'ABORTED', `ssh ${request.login}@${request.host}: aborted`);
    return server.ssh({ login: request.login, hostname: request.host, input: request.input, timeoutMs: request.timeoutMs });
  };
  return { url: server.url, nodeShell, close: () => server.close() };
}
