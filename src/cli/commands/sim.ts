/**
 * `converge sim <type>`: serve a backend simulator for people testing their own scripts and for
 * tests that need the server to outlive a killed client. Runs until SIGINT/SIGTERM.
 *
 * IM-only flags (`--users`, `--create-base-ms`, `--create-ms-per-vm`,
 * `--no-corrupt-concurrent-changes`) are refused for other types, and so are the XenAPI-only
 * `--hosts` (pool members) and `--task-ms` (Async task duration); `--backlog` works for every
 * type (the IM simulator has a backlog of 5 unless told otherwise, the others none).
 */
import { ConvergeError } from '../../errors/converge-error.js';
import { readUserDb, startImSimulator, type ImSimulatorOptions } from '../../backends/im/sim/index.js';
import { startSeattleSimulator } from '../../backends/seattle/sim/index.js';
import { MAX_HOSTS, startXenApiSimulator } from '../../backends/xenapi/sim/index.js';
import { knobsFromEnv } from '../../backends/embedded.js';
import { feddSimCommand } from './sim-fedd.js';
import { planetlabSimCommand } from './sim-planetlab.js';
import type { SimKnobs } from '../../xmlrpc/sim/knobs.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import type { Output } from '../output.js';

export interface SimOptions {
  host: string;
  port: number;
  persist?: string;
  latencyMs?: number;
  /** users: an IM USER_DB JSON file. */
  users?: string;
  createBaseMs?: number;
  createMsPerVm?: number;
  corruptConcurrentChanges?: boolean;
  backlog?: number;
  backlogPenaltyMs?: number;
  /** testbeds: fedd only, the access controllers to serve. */
  testbeds?: string[];
  /** pkiDir: fedd only, where certificates and keys are kept. */
  pkiDir?: string;
  /** hosts: xenapi only, the pool members to seed (default 1). */
  hosts?: number;
  /** taskMs: xenapi only, the virtual duration of an Async task (default 30). */
  taskMs?: number;
  /** nodes, pollIntervalSeconds: planetlab only; forward, login: planetlab-nm only (sim-planetlab.ts). */
  nodes?: number;
  pollIntervalSeconds?: number;
  forward?: string;
  login?: string;
}

const SIMULATORS = {
  im: { title: 'IM', start: startImSimulator },
  seattle: { title: 'Seattle Clearinghouse', start: startSeattleSimulator },
  xenapi: { title: 'XenAPI', start: startXenApiSimulator },
} as const;

export async function simCommand(type: string, out: Output, options: SimOptions): Promise<ExitCode> {
  if (type === 'planetlab' || type === 'planetlab-nm') return planetlabSimCommand(type, out, options, planetlabKnobs(options));
  const simulator = SIMULATORS[type as keyof typeof SIMULATORS];
  if (!simulator && type !== 'fedd') throw new ConvergeError('INVALID', 'USAGE', `no simulator for backend type ${type} (available: ${[...Object.keys(SIMULATORS), 'fedd', 'planetlab', 'planetlab-nm'].join(', ')})`);
  const knobs = knobsFromEnv();
  if (options.latencyMs !== undefined) knobs.setLatency(options.latencyMs);
  if (!simulator) {
    otherOptions(type, options, knobs);
    xenOptions(type, options);
    return feddSimCommand(out, options, knobs);
  }
  const extra = { ...(type === 'im' ? imOptions(options) : otherOptions(type, options, knobs)), ...xenOptions(type, options) };
  const server = await simulator.start({ host: options.host, port: options.port, knobs, ...(options.persist ? { persistPath: options.persist } : {}), ...extra });
  if (out.json) out.record({ type: 'listening', backend: type, url: server.url });
  else out.line(`${simulator.title} simulator listening on ${server.url} (control methods: converge.sim.*); Ctrl-C to stop`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.close();
  return EXIT.ok;
}

function imOptions(options: SimOptions): Partial<ImSimulatorOptions> {
  const extra: Partial<ImSimulatorOptions> = {};
  if (options.users !== undefined) {
    try {
      extra.users = readUserDb(options.users);
    } catch (error) {
      throw new ConvergeError('INVALID', 'USAGE', `--users ${(error as Error).message}`);
    }
  }
  if (options.createBaseMs !== undefined) extra.createBaseMs = options.createBaseMs;
  if (options.createMsPerVm !== undefined) extra.createMsPerVm = options.createMsPerVm;
  if (options.corruptConcurrentChanges === false) extra.corruptConcurrentChanges = false;
  if (options.backlog !== undefined) extra.backlog = options.backlog;
  if (options.backlogPenaltyMs !== undefined) extra.backlogPenaltyMs = options.backlogPenaltyMs;
  return extra;
}

function otherOptions(type: string, options: SimOptions, knobs: SimKnobs): Record<string, never> {
  const imOnly: Array<[string, boolean]> = [
    ['--users', options.users !== undefined],
    ['--create-base-ms', options.createBaseMs !== undefined],
    ['--create-ms-per-vm', options.createMsPerVm !== undefined],
    ['--no-corrupt-concurrent-changes', options.corruptConcurrentChanges === false],
  ];
  const given = imOnly.filter(([, set]) => set).map(([flag]) => flag);
  if (given.length > 0) throw new ConvergeError('INVALID', 'USAGE', `${given.join(', ')}: only for the im simulator, not ${type}`);
  if (options.backlog !== undefined) knobs.setBacklog(options.backlog, options.backlogPenaltyMs);
  return {};
}

function xenOptions(type: string, options: SimOptions): { hosts?: number; taskDurationMs?: number } {
  const given = [options.hosts !== undefined && '--hosts', options.taskMs !== undefined && '--task-ms'].filter((f) => f !== false);
  if (given.length === 0) return {};
  if (type !== 'xenapi') throw new ConvergeError('INVALID', 'USAGE', `${given.join(', ')}: only for the xenapi simulator, not ${type}`);
  if (options.hosts !== undefined && options.hosts > MAX_HOSTS) throw new ConvergeError('INVALID', 'USAGE', `--hosts ${options.hosts}: a pool has at most ${MAX_HOSTS} hosts`);
  return { ...(options.hosts !== undefined && { hosts: options.hosts }), ...(options.taskMs !== undefined && { taskDurationMs: options.taskMs }) };
}

function planetlabKnobs(options: SimOptions): SimKnobs {
  const knobs = knobsFromEnv();
  if (options.latencyMs !== undefined) knobs.setLatency(options.latencyMs);
  otherOptions('planetlab', options, knobs);
  xenOptions('planetlab', options);
  return knobs;
}
