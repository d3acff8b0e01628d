/**
 * `converge sim <type>`: serve a backend simulator for people testing their own scripts and for
 * tests that need the server to outlive a killed client. Runs until SIGINT/SIGTERM.
 */
import { ConvergeError } from '../../errors/converge-error.js';
import { startImSimulator } from '../../backends/im/sim/index.js';
import { startSeattleSimulator } from '../../backends/seattle/sim/index.js';
import { startXenApiSimulator } from '../../backends/xenapi/sim/index.js';
import { knobsFromEnv } from '../../backends/embedded.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import type { Output } from '../output.js';

export interface SimOptions {
  host: string;
  port: number;
  persist?: string;
  latencyMs?: number;
}

const SIMULATORS = {
  im: { title: 'IM', start: startImSimulator },
  seattle: { title: 'Seattle Clearinghouse', start: startSeattleSimulator },
  xenapi: { title: 'XenAPI', start: startXenApiSimulator },
} as const;

export async function simCommand(type: string, out: Output, options: SimOptions): Promise<ExitCode> {
  const simulator = SIMULATORS[type as keyof typeof SIMULATORS];
  if (!simulator) throw new ConvergeError('INVALID', 'USAGE', `no simulator for backend type ${type} (available: ${Object.keys(SIMULATORS).join(', ')})`);
  const knobs = knobsFromEnv();
  if (options.latencyMs !== undefined) knobs.setLatency(options.latencyMs);
  const server = await simulator.start({ host: options.host, port: options.port, knobs, ...(options.persist ? { persistPath: options.persist } : {}) });
  if (out.json) out.record({ type: 'listening', backend: type, url: server.url });
  else out.line(`${simulator.title} simulator listening on ${server.url} (control methods: converge.sim.*); Ctrl-C to stop`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.close();
  return EXIT.ok;
}
