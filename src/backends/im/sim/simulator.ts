/**
 * ImSimulator is an in-process IM v1.19.2 (XML-RPC API, Dummy connector): `dispatch` serves
 * every API method with IM's envelope and messages, plus the test-only `converge.sim.im.*`
 * control methods. With `persistPath` the state is loaded at construction and saved
 * synchronously after every call that changed it, before the reply is sent.
 */
import type { MethodHandler } from '../../../xmlrpc/server.js';
import { JsonFilePersistence } from '../../../xmlrpc/sim/persistence.js';
import { SimKnobs } from '../../../xmlrpc/sim/knobs.js';
import type { XmlRpcValue } from '../../../xmlrpc/value.js';
import type { UserRecord } from './auth.js';
import { dumpModel, forceVmState, type ImSimDump } from './controls.js';
import { buildMethodTable } from './methods/table.js';
import { ImStore } from './model/store.js';
import { emptyState, type SimState } from './model/types.js';

export interface ImSimulatorOptions {
  knobs?: SimKnobs;
  persistPath?: string;
  /** users enables IM's USER_DB: only these username/password pairs may call. */
  users?: Array<{ username: string; password: string }>;
}

export class ImSimulator {
  readonly knobs: SimKnobs;
  readonly #store: ImStore;
  readonly #persistence: JsonFilePersistence<SimState> | undefined;
  readonly #methods: Map<string, MethodHandler>;

  constructor(options: ImSimulatorOptions = {}) {
    this.knobs = options.knobs ?? new SimKnobs();
    this.#persistence = options.persistPath ? new JsonFilePersistence<SimState>(options.persistPath) : undefined;
    this.#store = new ImStore(this.knobs.clock, loadState(this.#persistence));
    const users: readonly UserRecord[] | undefined = options.users?.map((u) => ({ ...u }));
    this.#methods = buildMethodTable({ store: this.#store, users }, () => this.#persist());
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
        this.#persist();
        return true;
      },
    };
  }

  #persist(): void {
    if (this.#store.takeDirty()) this.#persistence?.save(this.#store.state);
  }
}

function loadState(persistence: JsonFilePersistence<SimState> | undefined): SimState {
  const loaded = persistence?.load();
  if (!loaded) return emptyState();
  if (loaded.version !== 1 || !Array.isArray(loaded.infrastructures)) {
    throw new Error(`${persistence?.path}: not an IM simulator state file (version ${String(loaded.version)})`);
  }
  return loaded;
}
