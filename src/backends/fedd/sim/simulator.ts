/**
 * FeddSimulator is the in-process model of several DETER access controllers (fedd.md §6): one
 * AccessController per testbed, a shared virtual clock, the PKI, a message log, and optional
 * persistence. It serves no sockets itself (server.ts does); `dispatch(testbed)` gives each
 * testbed's XML-RPC handlers, API and `converge.sim.fedd.*` control alike.
 *
 * With `persistPath` the state is loaded at creation (the file wins over the options for testbeds
 * it knows; testbeds only in the options are added) and saved synchronously after every change,
 * before the reply is sent. A loaded allocation that was `starting` fails: the process that was
 * swapping it in is gone.
 */
import type { MethodHandler } from '../../../xmlrpc/server.js';
import { SimClock } from '../../../xmlrpc/sim/clock.js';
import { SimKnobs } from '../../../xmlrpc/sim/knobs.js';
import { JsonFilePersistence } from '../../../xmlrpc/sim/persistence.js';
import { buildApiHandlers } from './api/table.js';
import { feddControlHandlers, type ControlHooks } from './control.js';
import { dumpTestbed, type TestbedDump } from './dump.js';
import { MessageLog } from './message-log.js';
import { AccessController } from './model/access-controller.js';
import type { FeddSimState, TestbedPolicy, TestbedState } from './model/types.js';
import { defaultPolicy, testbedOptions, type FeddSimulatorOptions, type FeddTestbedOptions } from './options.js';
import type { Identity } from './pki/certificates.js';
import { fedidHex, parseFedidText } from './pki/fedid.js';
import { FeddPki } from './pki/pki-store.js';

export class FeddSimulator {
  readonly clock: SimClock;
  readonly pki: FeddPki;
  readonly messages = new MessageLog();
  /** client is the identity written for converge; it is authorized on every testbed. */
  readonly client: Identity;
  readonly #controllers = new Map<string, AccessController>();
  readonly #knobs = new Map<string, SimKnobs>();
  readonly #servers = new Map<string, Identity>();
  readonly #persistence: JsonFilePersistence<FeddSimState> | undefined;

  private constructor(clock: SimClock, pki: FeddPki, client: Identity, persistence: JsonFilePersistence<FeddSimState> | undefined) {
    this.clock = clock;
    this.pki = pki;
    this.client = client;
    this.#persistence = persistence;
  }

  /** create opens (or makes) the PKI, loads any saved state and sets up every testbed. */
  static async create(options: FeddSimulatorOptions = {}): Promise<FeddSimulator> {
    const wanted = testbedOptions(options);
    const clock = options.clock ?? options.knobs?.clock ?? new SimClock();
    const pki = await FeddPki.open(options.pkiDir ?? (options.persistPath ? `${options.persistPath}.pki` : undefined));
    const client = await pki.clientIdentity();
    const persistence = options.persistPath ? new JsonFilePersistence<FeddSimState>(options.persistPath) : undefined;
    const sim = new FeddSimulator(clock, pki, client, persistence);
    const loaded = loadState(persistence);
    if (loaded) catchUpClock(clock, loaded.clockMs);
    const hostNames = [...new Set(['127.0.0.1', 'localhost', options.host ?? '127.0.0.1'])];
    const states = new Map((loaded?.testbeds ?? []).map((t) => [t.name, t]));
    for (const t of wanted) if (!states.has(t.name)) states.set(t.name, newTestbed(t, options, fedidHex(client.fedid)));
    for (const state of states.values()) {
      const server = await pki.serverIdentity(state.name, hostNames);
      sim.#servers.set(state.name, server);
      sim.#knobs.set(state.name, testbedKnobs(options.knobs, clock, state.name));
      const ac = new AccessController(state, {
        clock,
        pki,
        serverFedid: fedidHex(server.fedid),
        persist: () => sim.persist(),
        record: (entry) => sim.messages.record(state.name, clock.now(), entry),
      });
      ac.failInterruptedStarts('the access controller restarted during the swap-in');
      sim.#controllers.set(state.name, ac);
    }
    sim.persist();
    return sim;
  }

  /** testbedNames lists the testbeds served, in order. */
  get testbedNames(): string[] {
    return [...this.#controllers.keys()];
  }

  /** controller is testbed `name`'s access controller. */
  controller(name: string): AccessController {
    const ac = this.#controllers.get(name);
    if (!ac) throw new Error(`no testbed ${name} (testbeds: ${this.testbedNames.join(', ')})`);
    return ac;
  }

  /** knobs are testbed `name`'s latency, fault rules and call log. */
  knobs(name: string): SimKnobs {
    this.controller(name);
    return this.#knobs.get(name) as SimKnobs;
  }

  /** serverIdentity is testbed `name`'s TLS server certificate and key. */
  serverIdentity(name: string): Identity {
    this.controller(name);
    return this.#servers.get(name) as Identity;
  }

  /** dispatch returns testbed `name`'s method table: the API and `converge.sim.fedd.*`. */
  dispatch(name: string, hooks: ControlHooks): (method: string) => MethodHandler | undefined {
    const handlers = buildApiHandlers(this.controller(name));
    for (const [method, handler] of feddControlHandlers(this, name, hooks)) handlers.set(method, handler);
    return (method) => handlers.get(method);
  }

  dump(name: string): TestbedDump {
    return dumpTestbed(this.controller(name), this.clock.now());
  }

  /** setPolicy changes a testbed's policy (quota, images, node types, timings). */
  setPolicy(name: string, patch: Partial<TestbedPolicy>): TestbedPolicy {
    const ac = this.controller(name);
    ac.state.policy = { ...ac.state.policy, ...patch };
    this.persist();
    return ac.state.policy;
  }

  /** authorize lets a fedid RequestAccess on a testbed (`fedid:hex` or hex). */
  authorize(name: string, fedid: string): void {
    const ac = this.controller(name);
    const hex = parseFedidText(fedid);
    if (!ac.state.authorized.includes(hex)) ac.state.authorized.push(hex);
    this.persist();
  }

  /** revoke takes a fedid off a testbed's authorization list. */
  revoke(name: string, fedid: string): void {
    const ac = this.controller(name);
    const hex = parseFedidText(fedid);
    ac.state.authorized = ac.state.authorized.filter((f) => f !== hex);
    this.persist();
  }

  /** crash models a restart of one access controller's process: starts in flight die; with `forget`, so do its allocations. */
  crash(name: string, forget: boolean): void {
    const ac = this.controller(name);
    ac.stopAll('the access controller restarted');
    ac.failInterruptedStarts('the access controller restarted during the swap-in');
    if (forget) ac.forgetAllocations();
    this.persist();
  }

  /** stopAll stops every start in flight (the simulator is closing). */
  stopAll(): void {
    for (const ac of this.#controllers.values()) ac.stopAll('the simulator is shutting down');
  }

  persist(): void {
    if (!this.#persistence) return;
    const testbeds = [...this.#controllers.values()].map((ac) => ac.state);
    this.#persistence.save({ version: 1, clockMs: this.clock.now(), testbeds });
  }
}

function newTestbed(t: FeddTestbedOptions, options: FeddSimulatorOptions, clientHex: string): TestbedState {
  const policy: TestbedPolicy = { ...defaultPolicy(t.name), ...options.policy, ...t.policy };
  const authorized = [...new Set([clientHex, ...(options.authorize ?? []), ...(t.authorize ?? [])].map(parseFedidText))];
  return { name: t.name, policy, authorized, allocations: [], nextNode: 100, nextVlan: 100 };
}

/** testbedKnobs copies the template; each testbed draws its fault fractions from its own seed. */
function testbedKnobs(template: SimKnobs | undefined, clock: SimClock, name: string): SimKnobs {
  const seed = [...name].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 17);
  const knobs = new SimKnobs({ latencyMs: template?.latencyMs ?? 0, methodLatencyMs: template?.methodLatencyMs ?? {}, clock, seed });
  for (const rule of template?.faults.rules ?? []) knobs.faults.add(rule);
  knobs.backlogSettings = template?.backlogSettings ?? null;
  return knobs;
}

function loadState(persistence: JsonFilePersistence<FeddSimState> | undefined): FeddSimState | undefined {
  const loaded = persistence?.load();
  if (loaded === undefined) return undefined;
  if (loaded.version !== 1 || !Array.isArray(loaded.testbeds)) {
    throw new Error(`${persistence?.path}: not a fedd simulator state file (version ${String(loaded.version)})`);
  }
  return loaded;
}

/** A restarted simulator resumes virtual time where it was saved, never earlier. */
function catchUpClock(clock: SimClock, savedMs: number): void {
  const behind = savedMs - clock.now();
  if (behind > 0) clock.advance(behind);
}
