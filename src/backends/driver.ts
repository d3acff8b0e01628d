/**
 * The backend contract (DESIGN §4): what a driver offers the engine. Kept small on purpose, in
 * the crossplane managed-reconciler style: observe reports facts, the engine decides; create,
 * update and delete are idempotent and return small result records so fields can be added later.
 */
import type { BackendType, DeletionPolicy, Kind, WorkloadResource } from '../manifest/types.js';
import type { JsonObject, JsonValue } from '../util/json.js';
import type { Intent, ObjectRecord } from '../state/types.js';

/** DesiredObject is one backend object a resource expands into, with a stable key. */
export interface DesiredObject {
  key: string;
  /** resource is the manifest resource it came from, e.g. `Infrastructure/web`. */
  resource: string;
  kind: Kind;
  backend: string;
  /** spec is the normalised desired state: the same shape observe reports, so it can be diffed. */
  spec: JsonObject;
  deletionPolicy: DeletionPolicy;
  dependsOn: string[];
}

/**
 * ObjectPhase: `ready` is converged; `progressing` will get there without further calls
 * (e.g. IM `running` → `configured`); `degraded` and `failed` will not, and carry a message.
 */
export type ObjectPhase = 'ready' | 'progressing' | 'degraded' | 'failed';

export interface ObjectStatus {
  phase: ObjectPhase;
  message?: string;
  /**
   * changing says the backend is still carrying out a change on this object (IM VMs `pending`
   * or being contextualised, an infrastructure being created): the engine sends it no mutating
   * call until this clears, because a second change racing the first corrupts some backends
   * (apis/im.md §g). The object waits as `progressing`, with `message` shown.
   */
  changing?: boolean;
}

/** ObservedObject is one object found live and owned by us (its marker names our owner). */
export interface ObservedObject {
  key: string;
  kind: Kind;
  backend: string;
  ids: Record<string, string>;
  spec: JsonObject;
  status: ObjectStatus;
  /** detail holds driver-private facts needed to act (e.g. VM ids); never diffed or hashed. */
  detail?: unknown;
  /** dependsOn names live objects this one needs (a VM its network): deletes run dependents first. */
  dependsOn?: string[];
  /** lease is when the object expires unless renewed, and when renewal becomes due (leased APIs). */
  lease?: Lease;
  /** extra, when given, replaces the backend-specific facts state keeps (e.g. live vessel handles). */
  extra?: Record<string, unknown>;
  /**
   * external objects are used by a resource but were not created by converge (a XenAPI network
   * that already existed): converge never deletes them; letting go of them is a `forget`.
   */
  external?: boolean;
  /**
   * foreignOwner is set on a live object that carries converge's marker for a key this owner
   * desires, but names another owner (another state manages it). It is never ours to change:
   * the engine reports it instead of planning a second copy.
   */
  foreignOwner?: string;
  /**
   * access holds how to reach the object (addresses, endpoints, node names), as the backend
   * reports them during observe. Output only: never diffed, hashed or kept in state.
   */
  access?: AccessFacts;
}

/**
 * AccessFacts say how to reach an object, each entry naming what it belongs to (`of`: a VM, a
 * vessel, a node): `addresses` are IP addresses (IM GetVMInfo `net_interface.N.ip`, XenAPI guest
 * metrics networks), `endpoints` host:port pairs (Seattle vessels' node_ip:node_port), `nodes`
 * host names (PlanetLab slivers' nodes, fedd computers' localnames).
 */
export interface AccessFacts {
  addresses?: AccessAddress[];
  endpoints?: AccessEndpoint[];
  nodes?: AccessNode[];
}

export interface AccessAddress {
  of: string;
  ip: string;
  /** dnsName is the host name the backend gave the interface, when it gives one. */
  dnsName?: string;
}

export interface AccessEndpoint {
  of: string;
  host: string;
  port: number;
}

export interface AccessNode {
  of: string;
  hostname: string;
}

/**
 * LookupResult says what reading one recorded object by its ids found: `present` (the objects
 * observe would have reported for that key), or `gone`, with the backend's answer as evidence.
 */
export type LookupResult =
  | { key: string; presence: 'present'; objects: ObservedObject[] }
  | { key: string; presence: 'gone'; evidence: string };

/**
 * IntentSettlement is a driver's verdict on an unsettled intent (a call interrupted, or whose reply
 * was lost or late): `settled` when observation shows what the call did (`ids` learned are
 * recorded), `waiting` while the call may still be acting on the server; the object is then in
 * motion and gets no other mutating call.
 */
export type IntentSettlement =
  | { verdict: 'settled'; note: string; ids?: Record<string, string> }
  | { verdict: 'waiting'; message: string };

/** Lease: leases are desired state (DESIGN §3); times are ISO 8601 from the engine's clock. */
export interface Lease {
  endsAt: string;
  renewAt: string;
}

/**
 * FieldChange is one difference between a desired and an observed spec, as the planner found it
 * and as `update` receives it (the plan renders the same records).
 */
export interface FieldChange {
  /** path is dot-separated into the normalised spec, e.g. `deploy.front`. */
  path: string;
  before?: JsonValue;
  after?: JsonValue;
  forcesReplacement?: boolean;
}

/** PlanHooks tell the planner how to diff a backend's objects. */
export interface PlanHooks {
  /** immutable lists spec paths (dot-separated, `*` matches one segment, a prefix matches below it)
   * whose change cannot be applied in place and forces replacement. */
  immutable: string[];
  /** ignored lists computed paths that are never diffed. */
  ignored: string[];
}

/**
 * ApplyContext is what the engine lends a driver for one action.
 * `mutate` MUST wrap every mutating API call: it records a journal intent (flushed) first, runs the
 * call, and resolves the intent with the outcome; a crash in between is settled next run.
 */
export interface ApplyContext {
  signal: AbortSignal;
  owner: string;
  mutate<T>(
    method: string,
    target: string,
    call: () => Promise<T>,
    outcome?: (result: T) => Record<string, unknown>,
    context?: Record<string, unknown>,
  ): Promise<T>;
  progress(message: string): void;
}

export interface ApplyResult {
  ids?: Record<string, string>;
  /** extra replaces the object's backend-specific facts in state (e.g. Seattle vessel handles). */
  extra?: Record<string, unknown>;
  message?: string;
}

/**
 * AdoptContext is what `adopt` gets: an ApplyContext (its `mutate` journals the marker write)
 * and what state records of this backend's objects (an API without markers refuses handles
 * another key already holds).
 */
export interface AdoptContext extends ApplyContext {
  records: readonly ObjectRecord[];
}

/** AdoptResult is what adopting an existing object found and did; state records `ids` and `extra`. */
export interface AdoptResult {
  ids: Record<string, string>;
  extra?: Record<string, unknown>;
  /** note tells the user what was done (marker written, already marked, handles checked). */
  note: string;
}

/** PlanProblem is a reason not to apply, found before any mutating call (e.g. an account limit). */
export interface PlanProblem {
  key: string;
  /** path locates the offending manifest field, from the document root (e.g. spec.vessels). */
  path: Array<string | number>;
  code: string;
  message: string;
}

export interface ObserveContext {
  signal: AbortSignal;
  owner: string;
  /** records are what state remembers of this backend's objects (for APIs without markers). */
  records: readonly ObjectRecord[];
  /** now is the engine's clock (injectable), for leases and expiry. */
  now: Date;
  /**
   * desired are this backend's desired objects, for normalising what is observed against them
   * (crossplane's Observe gets the managed resource too); observe must not act on them.
   */
  desired: readonly DesiredObject[];
  /**
   * access asks for access facts that cost extra reads (XenAPI guest metrics): status, output and
   * watch ask; plan and reconcile do not, so a no-op pass keeps its cost. Facts that come with
   * the reads observe makes anyway are reported either way.
   */
  access?: boolean;
}

/** ObserveHint names object keys to look at again (watch mode); `all` asks for a full re-read. */
export type ObserveHint = { keys: string[] } | { all: true };

export interface RecoverContext extends ObserveContext {
  mutate: ApplyContext['mutate'];
}

/** RecoveredIntent says how recover settled one intent; `ids` are recorded in state for `key`. */
export interface RecoveredIntent {
  intentId: string;
  note: string;
  key?: string;
  ids?: Record<string, string>;
  extra?: Record<string, unknown>;
}

/** SettleContext is what settleIntent gets besides the intent and its key's observed objects. */
export interface SettleContext {
  now: Date;
}

/** Driver serves the kinds of one Backend resource. */
export interface Driver {
  readonly name: string;
  readonly type: BackendType;
  readonly hooks: PlanHooks;
  /**
   * identity names who the driver acts as, without any secret (`IM user alice at https://…`),
   * so that an identity mismatch can say which identity was refused.
   */
  readonly identity: string;
  /** expand turns a resource into its desired objects. Pure. */
  expand(resource: WorkloadResource): DesiredObject[];
  /**
   * observe returns every object this owner has on the backend, in batched calls. Two live
   * objects may carry one key (a copy left by a lost reply): return both under that key; the
   * engine decides which one state keeps and treats the other as surplus. Where markers are
   * visible, it also returns, with `foreignOwner`, marked objects of another owner whose key is
   * desired here and not among this owner's objects (so a second state is seen, not copied).
   */
  observe(ctx: ObserveContext): Promise<ObservedObject[]>;
  /**
   * lookup reads by their ids the recorded objects that observe did not return (DESIGN §5:
   * absence must be proven). `gone` only when the backend says the id does not exist (IM
   * `Invalid infrastructure ID…`, xapi HANDLE_INVALID / UUID_INVALID, a Seattle handle the
   * account no longer holds). An answer that the object exists but may not be read by these
   * credentials ("not granted", permission denied, another account) MUST throw UNAUTHORIZED:
   * the credentials are not the identity that created it, and acting would make a second copy.
   * Anything else throws as observe would (the backend is then unavailable for the pass).
   */
  lookup(records: readonly ObjectRecord[], ctx: ObserveContext): Promise<LookupResult[]>;
  /**
   * settleIntent, when given, decides whether observation accounts for an unsettled intent of
   * this backend (`observed` are the live objects carrying its key, maybe none). Without it the
   * engine's rule applies: see src/engine/intents/settle-intents.ts.
   */
  settleIntent?(intent: Intent, observed: readonly ObservedObject[], ctx: SettleContext): IntentSettlement | undefined;
  /** create makes the object; if it already exists under our marker it adopts it. */
  create(desired: DesiredObject, ctx: ApplyContext): Promise<ApplyResult>;
  /** update applies `changes` (desired vs observed) in place. */
  update(desired: DesiredObject, observed: ObservedObject, changes: FieldChange[], ctx: ApplyContext): Promise<ApplyResult>;
  /** delete removes the object; deleting what is already gone succeeds. */
  delete(observed: ObservedObject, ctx: ApplyContext): Promise<ApplyResult>;
  /**
   * recover settles journal intents that observation alone cannot (DESIGN §5), for objects that
   * cannot carry a marker yet or at all: e.g. a VM cloned but not yet marked when the run died,
   * or Seattle vessels acquired by a call whose reply was lost. It gets every intent since the
   * journal was last compacted (open, unknown, done: a done one may carry ids that never reached
   * state) and runs before the first observe of a run; it may adopt (mark, record) or clean up,
   * through `ctx.mutate`. Open intents it does not return are settled by observation later.
   */
  recover?(intents: readonly Intent[], ctx: RecoverContext): Promise<RecoveredIntent[]>;
  /**
   * adopt takes over an object created outside converge as `desired.key` (`converge import KEY
   * ID`): read the object by `id` (absent: NOT_FOUND, code IMPORT_NOT_FOUND), refuse one that
   * carries another owner's marker (OTHER_OWNER) or this owner's marker for another key
   * (IMPORT_KEY_MISMATCH), then write converge's marker where the backend can carry one (every
   * call through `ctx.mutate`) and return the ids state must record. Idempotent: an object that
   * already carries this owner's marker for this key is returned unchanged. It never changes the
   * object otherwise: the next plan shows how it differs from the manifest. Absent: the backend
   * type cannot import (the CLI says so).
   */
  adopt?(desired: DesiredObject, id: string, ctx: AdoptContext): Promise<AdoptResult>;
  /** check finds plan-time problems (account limits, quotas) before anything is applied. */
  check?(desired: readonly DesiredObject[], observed: readonly ObservedObject[]): PlanProblem[];
  /** events, when the API has an event stream, yields hints until `signal` aborts (watch mode). */
  events?(signal: AbortSignal): AsyncIterable<ObserveHint>;
  /** close logs out sessions and stops streams. */
  close(): Promise<void>;
}
