/**
 * SeattleSimulator is an in-process Seattle Clearinghouse (XML-RPC API, seattle.md): `dispatch`
 * serves every API method plus the test-only `converge.sim.seattle.*` control methods. Time is
 * the knobs' virtual clock; expiry and cleanup are evaluated against it at each call, never by
 * timers. With `persistPath` the state is loaded at construction (the file wins over the
 * `accounts`/`availability`/`seed` options) and saved synchronously after every call that
 * changed it, before the reply is sent. No credential is persisted in clear (model/credentials.ts).
 */
import type { MethodHandler } from '../../../xmlrpc/server.js';
import { JsonFilePersistence } from '../../../xmlrpc/sim/persistence.js';
import { SimKnobs } from '../../../xmlrpc/sim/knobs.js';
import { seededRandom } from '../../../xmlrpc/sim/fault-rules.js';
import { buildApiHandlers } from './api/table.js';
import { seattleControlHandlers } from './control.js';
import { dumpModel, type SeattleSimDump } from './dump.js';
import { createAccount, DEFAULT_ACCOUNT, type AccountOptions } from './model/accounts.js';
import { Credentials, migrateAccounts, newCredentialSalt, type AccountSecrets } from './model/credentials.js';
import { DEFAULT_AVAILABILITY, setAvailability, type Availability } from './model/availability.js';
import { SeattleStore } from './model/store.js';
import type { AccountRecord, NodeRecord, SeattleState } from './model/types.js';

export interface SeattleSimulatorOptions {
  knobs?: SimKnobs;
  persistPath?: string;
  /** accounts default to one: alice / DEFAULT_ACCOUNT.apiKey, 10 credits. */
  accounts?: AccountOptions[];
  /** availability: unacquired nodes per kind (default 50 lan / 50 wan / 20 nat). */
  availability?: Partial<Availability>;
  /** seed makes node ids, addresses, user ports and random picks repeatable (default 1). */
  seed?: number;
  /** backendDelayMs stands for one backend loop: reclaim after expiry, cleanup after release (default 5000). */
  backendDelayMs?: number;
  /** natEnabled false answers every nat acquisition with 105, as production does (default true). */
  natEnabled?: boolean;
}

/** NodePatch is a drift injected on the node behind a handle. */
export interface NodePatch {
  active?: boolean;
  reachable?: boolean;
  ip?: string;
  port?: number;
}

export class SeattleSimulator {
  readonly knobs: SimKnobs;
  readonly #store: SeattleStore;
  readonly #persistence: JsonFilePersistence<SeattleState> | undefined;
  readonly #handlers: Map<string, MethodHandler>;

  constructor(options: SeattleSimulatorOptions = {}) {
    this.knobs = options.knobs ?? new SimKnobs({ seed: options.seed });
    this.#persistence = options.persistPath ? new JsonFilePersistence<SeattleState>(options.persistPath) : undefined;
    const loaded = loadState(this.#persistence);
    const seed = loaded?.state.seed ?? options.seed ?? 1;
    const fresh = loaded ? undefined : newState(options, seed);
    const state = loaded?.state ?? fresh!.state;
    this.#store = new SeattleStore(state, options.backendDelayMs ?? 5000, seededRandom(seed), loaded?.secrets ?? fresh!.secrets);
    if (loaded) this.#catchUpClock(loaded.state.clockMs);
    else this.#populate(options.availability);
    // A file from before digests held credentials in clear: rewrite it at once.
    if (loaded?.migrated) this.#store.markChanged();
    const context = () => ({ store: this.#store, now: this.knobs.clock.now(), natEnabled: options.natEnabled ?? true });
    this.#handlers = buildApiHandlers(context, () => this.#persist());
    for (const [name, handler] of seattleControlHandlers(this)) this.#handlers.set(name, handler);
    this.#persist();
  }

  /** dispatch returns the handler for an API method or a `converge.sim.seattle.*` control method. */
  dispatch(method: string): MethodHandler | undefined {
    return this.#handlers.get(method);
  }

  dump(): SeattleSimDump {
    return dumpModel(this.#store, this.knobs.clock.now());
  }

  setAvailability(target: Partial<Availability>): void {
    setAvailability(this.#store, target, this.knobs.clock.now());
    this.#persist();
  }

  setCredits(username: string, maxVessels: number): void {
    if (!Number.isInteger(maxVessels) || maxVessels < 0) throw new Error(`maxVessels must be a whole number >= 0, got ${maxVessels}`);
    this.#account(username).maxVessels = maxVessels;
    this.#store.markChanged();
    this.#persist();
  }

  setNode(handle: string, patch: NodePatch): void {
    const node = this.#node(handle);
    if (patch.active !== undefined) node.active = Boolean(patch.active);
    if (patch.reachable !== undefined) node.reachable = Boolean(patch.reachable);
    if (patch.ip !== undefined) node.ip = String(patch.ip);
    if (patch.port !== undefined) node.port = Number(patch.port);
    this.#store.markChanged();
    this.#persist();
  }

  deleteVessel(handle: string): void {
    this.#store.removeNode(this.#node(handle));
    this.#persist();
  }

  /**
   * privateKey is the account's seattlelib private key, while the server still holds it. It is
   * never persisted: a simulator that loaded its state from a file no longer knows it.
   */
  privateKey(username: string): string {
    this.#account(username);
    const key = this.#store.secretsOf(username).privateKey;
    if (key === null) throw new Error(`account ${username} has no server-held private key (set_public_key replaced it)`);
    if (key === undefined) throw new Error(`account ${username}: the private key is kept in memory only, and this simulator loaded its state from a file`);
    return key;
  }

  #account(username: string): AccountRecord {
    const account = this.#store.account(username);
    if (!account) throw new Error(`no account ${username}`);
    return account;
  }

  #node(handle: string): NodeRecord {
    const node = this.#store.findByHandle(handle);
    if (!node) throw new Error(`no vessel with handle ${handle}`);
    return node;
  }

  /** #populate builds a fresh pool; the new state is saved even when empty (its keys must survive). */
  #populate(availability: Partial<Availability> | undefined): void {
    setAvailability(this.#store, { ...DEFAULT_AVAILABILITY, ...availability }, this.knobs.clock.now());
    this.#store.markChanged();
  }

  /** A restarted simulator resumes virtual time where it was saved, never earlier. */
  #catchUpClock(savedMs: number): void {
    const behind = savedMs - this.knobs.clock.now();
    if (behind > 0) this.knobs.clock.advance(behind);
  }

  #persist(): void {
    if (!this.#store.takeChanged() || !this.#persistence) return;
    this.#store.state.clockMs = this.knobs.clock.now();
    this.#persistence.save(this.#store.state);
  }
}

function newState(options: SeattleSimulatorOptions, seed: number): { state: SeattleState; secrets: Map<string, AccountSecrets> } {
  const credentialSalt = newCredentialSalt();
  const credentials = new Credentials(credentialSalt);
  const created = (options.accounts ?? [DEFAULT_ACCOUNT]).map((a) => createAccount(a, seed, credentials));
  const secrets = new Map(created.map(({ account, secrets }) => [account.username, secrets]));
  return { state: { version: 1, seed, clockMs: 0, credentialSalt, nextSerial: 1, accounts: created.map((c) => c.account), nodes: [] }, secrets };
}

function loadState(persistence: JsonFilePersistence<SeattleState> | undefined): { state: SeattleState; secrets: Map<string, AccountSecrets>; migrated: boolean } | undefined {
  const loaded = persistence?.load();
  if (loaded === undefined) return undefined;
  if (loaded.version !== 1 || !Array.isArray(loaded.accounts) || !Array.isArray(loaded.nodes)) {
    throw new Error(`${persistence?.path}: not a Seattle simulator state file (version ${String(loaded.version)})`);
  }
  const { secrets, changed } = migrateAccounts(loaded);
  return { state: loaded, secrets, migrated: changed };
}
