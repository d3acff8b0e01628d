/**
 * PlanetLabSimulator is one PlanetLab: a PLC and the Node Managers of its nodes, sharing a
 * virtual clock, a ticket key and one state file.
 *
 * - Every PLC or NM call first settles the polls that fell due on every node, so a node sees PLC
 *   as it was at its poll, never later (a node learns PLC's changes only at its next poll).
 * - With `persistPath`, PLC, every node and the virtual time are saved atomically after each
 *   call that changed something, before the reply. The ticket key is not saved (it would be a
 *   secret in clear): tickets issued before a restart do not verify after it.
 * - Time is the PLC knobs' clock; every node's knobs share it (advance any of them).
 */
import { randomBytes } from 'node:crypto';
import type { MethodHandler } from '../../../xmlrpc/server.js';
import { seededRandom } from '../../../xmlrpc/sim/fault-rules.js';
import { SimKnobs } from '../../../xmlrpc/sim/knobs.js';
import { JsonFilePersistence } from '../../../xmlrpc/sim/persistence.js';
import type { XmlRpcValue } from '../../../xmlrpc/value.js';
import { NodeManagerSimulator, type NmState } from './nm/nm-simulator.js';
import { PlcSimulator } from './plc/plc-simulator.js';
import { sliversForNode } from './plc/model/slivers.js';
import { PlcStore } from './plc/model/store.js';
import type { PlcState } from './plc/model/types.js';
import { SEED_NODE_COUNT, seedState } from './seed.js';
import { signTicket } from './ticket/ticket-codec.js';

/** PlanetLabSimulatorOptions shape one instance; every field has a default faithful to real PlanetLab. */
export interface PlanetLabSimulatorOptions {
  /** knobs are PLC's (latency, faults, call log); their clock is the instance's clock. */
  knobs?: SimKnobs;
  /** nodeKnobs gives a node's knobs (default: fresh knobs on the shared clock, PLC's latency). */
  nodeKnobs?: (hostname: string, clock: SimKnobs['clock']) => SimKnobs;
  persistPath?: string;
  /** nodes in a fresh seed (default 3); a loaded state keeps its own. */
  nodes?: number;
  /** pollIntervalSeconds and pollJitterSeconds: a node polls every interval + random(0..jitter) (600 + 300). */
  pollIntervalSeconds?: number;
  pollJitterSeconds?: number;
  /** seed makes the poll jitter repeatable (default 1). */
  seed?: number;
  ticketKey?: Buffer;
  ticketEncoding?: 'base64' | 'string';
  /** delegationMode `comma-list` lets a delegations tag name several controllers (the NM does not). */
  delegationMode?: 'exact' | 'comma-list';
  /** setLoansMode `fixed` makes SetLoans accept well-formed loans (the NM's code cannot). */
  setLoansMode?: 'as-coded' | 'fixed';
  hrnRoot?: string;
  vsysDefaults?: string[];
  sessionLifetimeSeconds?: number;
  /** slicePrefix is PLC_SLICE_PREFIX (default `pl`): `<prefix>_sfacm` skips the NM's checks. */
  slicePrefix?: string;
}

interface PlanetLabState {
  version: 1;
  clockMs: number;
  plc: PlcState;
  nodes: NmState[];
}

/** PlanetLabSimulator owns one PLC and its nodes; callers reach them through `plc.dispatch` and `nodes[i].dispatch`. */
export class PlanetLabSimulator {
  readonly knobs: SimKnobs;
  readonly plc: PlcSimulator;
  readonly nodes: NodeManagerSimulator[];
  /** nodeUrls is filled by the server once the nodes listen (for `converge.sim.planetlab.nodes`). */
  readonly nodeUrls = new Map<string, string>();
  readonly #state: PlanetLabState;
  readonly #persistence: JsonFilePersistence<PlanetLabState> | undefined;
  readonly #store: PlcStore;
  #changed = false;

  constructor(options: PlanetLabSimulatorOptions = {}) {
    this.knobs = options.knobs ?? new SimKnobs({ seed: options.seed });
    this.#persistence = options.persistPath ? new JsonFilePersistence<PlanetLabState>(options.persistPath) : undefined;
    const loaded = loadState(this.#persistence);
    if (loaded && loaded.clockMs > this.knobs.clock.now()) this.knobs.clock.advance(loaded.clockMs - this.knobs.clock.now());
    this.#state = loaded ?? this.#freshState(options.nodes ?? SEED_NODE_COUNT);
    this.#store = new PlcStore(this.#state.plc);
    const key = options.ticketKey ?? randomBytes(32);
    this.plc = new PlcSimulator({
      store: this.#store,
      knobs: this.knobs,
      config: {
        hrnRoot: options.hrnRoot ?? 'plc',
        vsysDefaults: options.vsysDefaults ?? [],
        sessionLifetimeSeconds: options.sessionLifetimeSeconds ?? 24 * 3600,
        signTicket: (payload) => signTicket(payload, key),
        ticketEncoding: options.ticketEncoding ?? 'base64',
      },
      beforeCall: () => this.settle(),
      afterCall: () => this.persist(),
      extraControls: this.#controls(),
    });
    this.nodes = this.#state.nodes.map((state) => this.#nodeManager(state, options, key));
    this.#changed = !loaded;
    this.persist();
  }

  node(hostname: string): NodeManagerSimulator | undefined {
    return this.nodes.find((n) => n.hostname === hostname);
  }

  /** settle runs, on every node, the last poll that fell due by now. */
  settle(): void {
    for (const node of this.nodes) node.catchUp();
  }

  /** pollAll makes every node poll PLC now. */
  pollAll(): void {
    this.settle();
    for (const node of this.nodes) node.pollNow();
    this.persist();
  }

  /** persist saves the whole instance if anything changed since the last save. */
  persist(): void {
    const plcChanged = this.#store.takeChanged();
    if (!(plcChanged || this.#changed) || !this.#persistence) return;
    this.#changed = false;
    this.#state.clockMs = this.knobs.clock.now();
    this.#persistence.save(this.#state);
  }

  #nodeManager(state: NmState, options: PlanetLabSimulatorOptions, key: Buffer): NodeManagerSimulator {
    const knobs = options.nodeKnobs?.(state.hostname, this.knobs.clock) ?? new SimKnobs({ clock: this.knobs.clock, latencyMs: this.knobs.latencyMs, seed: state.node_id });
    return new NodeManagerSimulator({
      state,
      knobs,
      plcSlivers: (nodeId, at) => sliversForNode(this.#store, nodeId, at),
      ticketKey: key,
      policy: { sfacmAccount: `${options.slicePrefix ?? 'pl'}_sfacm`, delegationMode: options.delegationMode ?? 'exact' },
      setLoansMode: options.setLoansMode ?? 'as-coded',
      pollIntervalMs: (options.pollIntervalSeconds ?? 600) * 1000,
      pollJitterMs: (options.pollJitterSeconds ?? 300) * 1000,
      random: seededRandom((options.seed ?? 1) * 7919 + state.node_id),
      beforeCall: () => this.settle(),
      afterCall: () => this.persist(),
      markChanged: () => {
        this.#changed = true;
      },
    });
  }

  #freshState(nodeCount: number): PlanetLabState {
    const plc = seedState(nodeCount);
    const now = this.knobs.clock.now();
    const nodes = plc.nodes.map((n): NmState => ({ hostname: n.hostname, node_id: n.node_id, records: {}, minTimestamp: 0, accounts: [], nextXid: 1001, lastPollAt: null, nextPollAt: now }));
    return { version: 1, clockMs: now, plc, nodes };
  }

  #controls(): Record<string, MethodHandler> {
    return {
      'converge.sim.planetlab.pollAll': () => {
        this.pollAll();
        return true;
      },
      'converge.sim.planetlab.nodes': () =>
        this.nodes.map((n) => ({ hostname: n.hostname, node_id: n.nodeId, url: this.nodeUrls.get(n.hostname) ?? '' })) as unknown as XmlRpcValue,
    };
  }
}

function loadState(persistence: JsonFilePersistence<PlanetLabState> | undefined): PlanetLabState | undefined {
  const loaded = persistence?.load();
  if (loaded === undefined) return undefined;
  if (loaded.version !== 1 || !loaded.plc || !Array.isArray(loaded.nodes)) {
    throw new Error(`${persistence?.path}: not a PlanetLab simulator state file (version ${String(loaded.version)})`);
  }
  return loaded;
}
