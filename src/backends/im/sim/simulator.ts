/**
 * ImSimulator is an in-process IM v1.19.2 (XML-RPC API, Dummy connector): `dispatch` serves
 * every API method with IM's envelope and messages, plus the test-only `converge.sim.im.*`
 * control methods. With `persistPath` the state is loaded at construction (owners' clear
 * passwords of older files are turned into digests and saved at once) and saved synchronously
 * after every call that changed it, before the reply is sent.
 *
 * Knobs (im.md (g); docs/backends/im.md "Simulator knobs"): how long creates, additions and
 * removals take (`createBaseMs`, `createMsPerVm`), whether overlapping changes corrupt the
 * infrastructure (`corruptConcurrentChanges`), and the listen backlog (`backlog`,
 * `backlogPenaltyMs`), which this simulator turns on by default as the real server has one.
 */
import type { MethodHandler } from '../../../xmlrpc/server.js';
import { JsonFilePersistence } from '../../../xmlrpc/sim/persistence.js';
import { SimKnobs } from '../../../xmlrpc/sim/knobs.js';
import type { XmlRpcValue } from '../../../xmlrpc/value.js';
import type { UserRecord } from './auth.js';
import { dumpModel, forceVmState, type ImSimDump } from './controls.js';
import { buildMethodTable } from './methods/table.js';
import { DEFAULT_CHANGE_SETTINGS, type ChangeSettings } from './model/changes.js';
import { migrateOwners } from './model/credentials.js';
import { OverlapLog, type Overlap } from './model/overlaps.js';
import { ImStore } from './model/store.js';
import { emptyState, type SimState } from './model/types.js';
import { applySettings } from './settings.js';

export interface ImSimulatorOptions extends Partial<ChangeSettings> {
  knobs?: SimKnobs;
  persistPath?: string;
  /** users enables IM's USER_DB: only these username/password pairs may call. */
  users?: Array<{ username: string; password: string }>;
  /** backlog: connections in service before new ones are held (default 5, as IM's server; 0 = off). */
  backlog?: number;
  /** backlogPenaltyMs: how long a held connection waits (default 1000, a SYN retransmit). */
  backlogPenaltyMs?: number;
}

/** ImSimSettings: the change knobs as `converge.sim.im.settings` reads and sets them. */
export type ImSimSettings = ChangeSettings;

export class ImSimulator {
  readonly knobs: SimKnobs;
  /** settings are read at each call; change them here or through `converge.sim.im.settings`. */
  readonly settings: ChangeSettings;
  readonly #store: ImStore;
  readonly #overlaps = new OverlapLog();
  readonly #persistence: JsonFilePersistence<SimState> | undefined;
  readonly #methods: Map<string, MethodHandler>;

  constructor(options: ImSimulatorOptions = {}) {
    this.knobs = options.knobs ?? new SimKnobs();
    this.knobs.setBacklog(options.backlog ?? 5, options.backlogPenaltyMs ?? 1000);
    this.settings = applySettings({ ...DEFAULT_CHANGE_SETTINGS }, options);
    this.#persistence = options.persistPath ? new JsonFilePersistence<SimState>(options.persistPath) : undefined;
    const { state, migrated } = loadState(this.#persistence);
    this.#store = new ImStore(this.knobs.clock, state);
    if (migrated) this.#persistence?.save(this.#store.state);
    const users: readonly UserRecord[] | undefined = options.users?.map((u) => ({ ...u }));
    const context = { store: this.#store, users, settings: this.settings, overlaps: this.#overlaps };
    this.#methods = buildMethodTable(context, () => this.#persist());
    for (const [name, handler] of Object.entries(this.#controlHandlers())) this.#methods.set(name, handler);
  }

  /** dispatch returns the handler for an IM method or a `converge.sim.im.*` control method. */
  dispatch(method: string): MethodHandler | undefined {
    return this.#methods.get(method);
  }

  /** dump returns the whole model (destroyed infrastructures and removed VMs included). */
  dump(): ImSimDump {
    return dumpModel(this.#store);
  }

  /** overlaps lists the mutating calls that arrived while a change of their infrastructure ran. */
  overlaps(): Overlap[] {
    return this.#overlaps.list();
  }

  /** setVmState forces a VM's state (drift and failure simulation); persisted at once. */
  setVmState(infId: string, vmId: number, state: string): void {
    forceVmState(this.#store, infId, vmId, state);
    this.#persist();
  }

  #controlHandlers(): Record<string, MethodHandler> {
    return {
      'converge.sim.im.dump': () => this.dump() as unknown as XmlRpcValue,
      'converge.sim.im.setVmState': ([infId, vmId, state]) => {
        this.setVmState(String(infId), Number(vmId), String(state));
        return true;
      },
      'converge.sim.im.reset': () => {
        this.#store.reset();
        this.#overlaps.clear();
        this.#persist();
        return true;
      },
      'converge.sim.im.settings': ([changes]) => ({ ...applySettings(this.settings, changes) }),
      'converge.sim.im.overlaps': () => this.overlaps() as unknown as XmlRpcValue,
      'converge.sim.im.clearOverlaps': () => {
        this.#overlaps.clear();
        return true;
      },
    };
  }

  #persist(): void {
    if (this.#store.takeDirty()) this.#persistence?.save(this.#store.state);
  }
}

function loadState(persistence: JsonFilePersistence<SimState> | undefined): { state: SimState; migrated: boolean } {
  const loaded = persistence?.load();
  if (!loaded) return { state: emptyState(), migrated: false };
  if (loaded.version !== 1 || !Array.isArray(loaded.infrastructures)) {
    throw new Error(`${persistence?.path}: not an IM simulator state file (version ${String(loaded.version)})`);
  }
  return { state: loaded, migrated: migrateOwners(loaded) };
}
