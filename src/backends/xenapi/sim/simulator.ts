/**
 * XenApiSimulator is an in-process xapi (XenServer 8.4, API 2.21) following
 * ../shared/apis/xenapi.md §1–§8: `dispatch` serves every modelled method in xapi's envelope
 * plus the `converge.sim.xenapi.*` control methods, and `encodeValue` prints replies in xapi's
 * compact XML. With `persistPath`, the object store (sessions and tasks excepted, as in xapi) is
 * loaded at construction and saved synchronously after every call that changed it, before the
 * reply is sent.
 */
import type { MethodHandler } from '../../../xmlrpc/server.js';
import { JsonFilePersistence } from '../../../xmlrpc/sim/persistence.js';
import { SimKnobs } from '../../../xmlrpc/sim/knobs.js';
import type { XmlRpcValue } from '../../../xmlrpc/value.js';
import { XENAPI_CONTROL_PREFIX, xenapiControlHandlers, type ControlTarget } from './control.js';
import type { SimContext, SimSettings } from './dispatch/context.js';
import { Dispatcher } from './dispatch/dispatcher.js';
import { buildMethodTable } from './dispatch/method-table.js';
import { EventService } from './events/event-service.js';
import { CLASSES } from './schema/index.js';
import { seedFixture } from './seed/fixture.js';
import { DEFAULT_SESSION_LIMITS, SessionManager, type SessionLimits } from './sessions/session-manager.js';
import { EventLog } from './store/event-log.js';
import { IdSource } from './store/ids.js';
import { ObjectStore, type Tables } from './store/object-store.js';
import { TaskRunner } from './tasks/task-runner.js';
import { refreshDerived } from './vm/derived.js';
import { DomidCounter } from './vm/domids.js';
import { HostMemory } from './vm/host-memory.js';
import { reportGuest } from './vm/guest-agent.js';
import { encodeMethodResponse, encodeMethodResponsePieces } from './wire/compact-xml.js';
import { handleInvalid } from './wire/errors.js';

export interface XenApiSimulatorOptions {
  knobs?: SimKnobs;
  persistPath?: string;
  /** users who may log in (default root / xenroot). */
  users?: Array<{ username: string; password: string }>;
  /** hostIsSlaveOf: start as a pool supporter whose login answers HOST_IS_SLAVE [this address]. */
  hostIsSlaveOf?: string;
  /** eventLogLimit bounds the event log; older tokens get EVENTS_LOST (default 10000). */
  eventLogLimit?: number;
  /** idSeed makes uuids and refs deterministic (seeded PRNG); the seed fixture always has SEED_UUIDS. */
  idSeed?: number;
  /** guestAgent: started VMs report guest metrics (default true). */
  guestAgent?: boolean;
  /** guestStaticIp: guest agents advertise feature-static-ip-setting (default false, as Linux guest tools). */
  guestStaticIp?: boolean;
  /** dmcEnabled: false requires dynamic_min = dynamic_max = static_max (default true). */
  dmcEnabled?: boolean;
  /** taskDurationMs: virtual duration of an Async task (default 30 ms); per method in taskDurationsMs. */
  taskDurationMs?: number;
  taskDurationsMs?: Record<string, number>;
  sessionLimits?: Partial<SessionLimits>;
  /**
   * hosts: pool members to seed (default 1, at most MAX_HOSTS): the master plus supporters with
   * 64 GiB each, among which VM.start places VMs as xapi does (vm/placement.ts). A restored state
   * keeps the hosts it was saved with.
   */
  hosts?: number;
}

/** MAX_HOSTS is xapi's supported pool size. */
export const MAX_HOSTS = 64;

/** XenSimDump: class → ref → stored row (ints as numbers, datetimes as epoch milliseconds). */
export interface XenSimDump {
  [className: string]: Record<string, Record<string, unknown>>;
}

/**
 * RESTART_GENERATION_GAP: a restarted simulator resumes the generation this far past the saved one,
 * so every token of the previous run is older than any new one (and gets EVENTS_LOST), including
 * tokens that counted changes of unsaved rows (tasks) after the last save.
 */
const RESTART_GENERATION_GAP = 1_000_000;

interface PersistedState {
  version: 1;
  generation: number;
  tables: Tables;
}

export class XenApiSimulator implements ControlTarget {
  readonly knobs: SimKnobs;
  readonly #ctx: SimContext;
  readonly #persistence: JsonFilePersistence<PersistedState> | undefined;
  readonly #sessions: SessionManager;
  readonly #tasks: TaskRunner;
  readonly #dispatcher: Dispatcher;
  readonly #control: Record<string, MethodHandler>;

  constructor(options: XenApiSimulatorOptions = {}) {
    this.knobs = options.knobs ?? new SimKnobs();
    this.#persistence = options.persistPath ? new JsonFilePersistence<PersistedState>(options.persistPath) : undefined;
    const saved = loadState(this.#persistence);
    const clock = this.knobs.clock;
    const startGeneration = saved ? saved.generation + RESTART_GENERATION_GAP : 0;
    const store = new ObjectStore(new IdSource(options.idSeed), new EventLog(options.eventLogLimit ?? 10_000, startGeneration), () => clock.now());
    this.#ctx = makeContext(store, this.knobs, settingsFrom(options));
    const users = options.users ?? [{ username: 'root', password: 'xenroot' }];
    const limits = { ...DEFAULT_SESSION_LIMITS, ...options.sessionLimits };
    this.#sessions = new SessionManager(this.#ctx, users, limits, () => store.events.notify());
    this.#tasks = new TaskRunner(this.#ctx, () => this.#afterCall());
    this.#ctx.sessions = this.#sessions;
    this.#ctx.tasks = this.#tasks;
    const events = new EventService(this.#ctx);
    this.#dispatcher = new Dispatcher(this.#ctx, buildMethodTable(this.#ctx, this.#sessions, events), this.#tasks, {
      before: () => this.#tasks.tick(),
      after: () => this.#afterCall(),
    });
    this.#control = xenapiControlHandlers(this);
    if (saved) restore(store, saved.tables);
    else seedFixture(store, clock.now(), hostCount(options.hosts));
    this.#afterCall();
  }

  /** dispatch returns the handler for a XenAPI method (unknown ones answer MESSAGE_METHOD_UNKNOWN) or a control method. */
  dispatch(method: string): MethodHandler | undefined {
    if (method.startsWith('converge.sim.')) return method.startsWith(XENAPI_CONTROL_PREFIX) ? this.#control[method] : undefined;
    return this.#dispatcher.handler(method);
  }

  /** encodeValue prints a whole methodResponse in xapi's compact XML. */
  encodeValue(value: XmlRpcValue): string {
    return encodeMethodResponse(value);
  }

  /** encodePieces is encodeValue's text in pieces, for the server to send as they are (compact-xml.ts). */
  encodePieces(value: XmlRpcValue): string[] {
    return encodeMethodResponsePieces(value);
  }

  dump(): XenSimDump {
    const out: XenSimDump = {};
    for (const spec of CLASSES) out[spec.name] = Object.fromEntries(this.#ctx.store.entries(spec.name).map(([ref, row]) => [ref, structuredClone(row)]));
    return out;
  }

  dumpWithCounts(): XmlRpcValue {
    const classes = this.dump();
    const counts = Object.fromEntries(Object.entries(classes).map(([cls, rows]) => [cls, Object.keys(rows).length]));
    return { counts, classes } as unknown as XmlRpcValue;
  }

  listMethods(): string[] {
    return this.#dispatcher.listMethods();
  }

  setHostIsSlave(masterAddress: string): void {
    this.#ctx.settings.hostIsSlaveOf = masterAddress;
  }

  failNextTask(method: string, errorDescription: string[]): void {
    this.#tasks.failNext(method, errorDescription);
  }

  expireSessions(): void {
    this.#sessions.expireAll();
  }

  dropEvents(): void {
    this.#ctx.store.events.dropAll();
  }

  setTaskDuration(ms: number, method?: string): void {
    if (method) this.#ctx.settings.taskDurationsMs[method.replace(/^Async\./, '')] = ms;
    else this.#ctx.settings.taskDurationMs = ms;
  }

  setGuestAgent(enabled: boolean, vmRef?: string): void {
    if (vmRef === undefined) this.#ctx.settings.guestAgent = enabled;
    else if (!this.#ctx.store.get('VM', vmRef)) throw handleInvalid('VM', vmRef);
    else this.#ctx.agentOverrides.set(vmRef, enabled);
  }

  /** setGuestStaticIp makes guest agents (all, or one VM's) advertise feature-static-ip-setting, or stop. */
  setGuestStaticIp(enabled: boolean, vmRef?: string): void {
    if (vmRef === undefined) this.#ctx.settings.guestStaticIp = enabled;
    else if (!this.#ctx.store.get('VM', vmRef)) throw handleInvalid('VM', vmRef);
    else this.#ctx.staticIpOverrides.set(vmRef, enabled);
    // A running agent re-advertises its features at once, as a guest whose tools were (un)installed.
    for (const [ref, vm] of this.#ctx.store.entries('VM')) {
      if ((vmRef === undefined || ref === vmRef) && vm.power_state === 'Running') reportGuest(this.#ctx, ref);
    }
    this.#afterCall();
  }

  /** close stops the task timer and wakes blocked event calls; the server is closed by its owner. */
  close(): void {
    this.#tasks.close();
    this.#sessions.expireAll();
  }

  #afterCall(): void {
    refreshDerived(this.#ctx);
    if (this.#ctx.store.takeDirty()) {
      this.#persistence?.save({ version: 1, generation: this.#ctx.store.events.generation, tables: this.#ctx.store.exportTables() });
    }
  }
}

function hostCount(hosts = 1): number {
  if (!Number.isInteger(hosts) || hosts < 1 || hosts > MAX_HOSTS) throw new RangeError(`hosts ${hosts}: expected a whole number from 1 to ${MAX_HOSTS}`);
  return hosts;
}

function settingsFrom(options: XenApiSimulatorOptions): SimSettings {
  return {
    hostIsSlaveOf: options.hostIsSlaveOf ?? '',
    guestAgent: options.guestAgent ?? true,
    guestStaticIp: options.guestStaticIp ?? false,
    dmcEnabled: options.dmcEnabled ?? true,
    taskDurationMs: options.taskDurationMs ?? 30,
    taskDurationsMs: { ...(options.taskDurationsMs ?? {}) },
  };
}

function makeContext(store: ObjectStore, knobs: SimKnobs, settings: SimSettings): SimContext {
  const unset = (): never => {
    throw new Error('simulator context used before it was wired');
  };
  const poolRef = (): string => store.refs('pool')[0] ?? unset();
  return {
    store,
    settings,
    agentOverrides: new Map(),
    staticIpOverrides: new Map(),
    hostMemory: new HostMemory(store),
    domids: new DomidCounter(store),
    sessions: { requireValid: unset, isValid: unset },
    tasks: { cancel: unset, destroy: unset, createManual: unset },
    now: () => knobs.clock.now(),
    poolRef,
    hostRef: () => String(store.require('pool', poolRef()).master),
  };
}

function loadState(persistence: JsonFilePersistence<PersistedState> | undefined): PersistedState | undefined {
  const loaded = persistence?.load();
  if (!loaded) return undefined;
  if (loaded.version !== 1 || typeof loaded.tables !== 'object') {
    throw new Error(`${persistence?.path}: not a XenAPI simulator state file (version ${String(loaded.version)})`);
  }
  return loaded;
}

/** restore loads saved tables; operations that were in flight died with the previous process. */
function restore(store: ObjectStore, tables: Tables): void {
  store.importTables(tables);
  for (const [ref, vm] of store.entries('VM')) {
    if (Object.keys(vm.current_operations as object).length > 0) store.update('VM', ref, { current_operations: {} });
  }
}
