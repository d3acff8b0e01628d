/**
 * State types (DESIGN §5). State is what converge remembers between runs: which backend ids
 * realize which object keys, the fingerprint of the spec last applied to each, and the journal of
 * mutating calls. It never holds a secret: only ids, fingerprints, method names and targets.
 */

/** ObjectRecord is what state remembers about one object key (e.g. `Infrastructure/web`). */
export interface ObjectRecord {
  key: string;
  kind: string;
  backend: string;
  /** ids are the backend's identifiers for the object (e.g. `{ infId: "…" }`). */
  ids: Record<string, string>;
  /** fingerprint is a sha256 of the desired spec last applied successfully. */
  fingerprint?: string;
  deletionPolicy: 'Delete' | 'Orphan';
  /** protected objects are never deleted or replaced by converge (exit 6 instead). */
  protected?: boolean;
  createdAt: string;
  updatedAt: string;
  /** orphaned objects were let go (deletionPolicy Orphan) and are never touched again. */
  orphaned?: boolean;
  /** extra holds backend-specific, non-secret facts (e.g. Seattle vessel handles). */
  extra?: Record<string, unknown>;
}

/** StateSnapshot is the whole state document as stored (`.converge/state.json`). */
export interface StateSnapshot {
  formatVersion: 1;
  /** lineage is fixed when the state is first created; serial grows by one on every write. */
  lineage: string;
  serial: number;
  /** owner is the identity written into backend ownership markers (defaults to the lineage). */
  owner: string;
  objects: Record<string, ObjectRecord>;
  /** lastApplied records the manifests revision and time of the last successful reconcile. */
  lastApplied?: { revision?: string; manifestsDigest: string; at: string };
}

/** StateReader reads the current snapshot, creating an empty one (new lineage) if none exists. */
export interface StateReader {
  read(): Promise<StateSnapshot>;
}

/**
 * StateWriter writes a snapshot if the stored serial is still `expectedSerial`; otherwise it throws
 * ConvergeError CONFLICT (code STATE_SERIAL_CONFLICT). On success it returns the snapshot as stored
 * (serial = expectedSerial + 1). Writes are atomic: temp file, fsync, rename.
 */
export interface StateWriter {
  write(snapshot: StateSnapshot, expectedSerial: number): Promise<StateSnapshot>;
}

/** LockHolder identifies who holds a state lock, for the message a blocked run prints. */
export interface LockHolder {
  id: string;
  pid: number;
  /** pidStart tells a reused pid from the holder's own process (Linux: start time in ticks). */
  pidStart?: string;
  host: string;
  user: string;
  command: string;
  acquiredAt: string;
  heartbeatAt: string;
  expiresAt: string;
  /**
   * fencingToken is the lease's number from a monotonic sequence (database stores only): every
   * write checks that it is still the current holder's, so a holder that lost its lease cannot
   * write after another took it over.
   */
  fencingToken?: number;
}

/**
 * LockHandle is a held lock; release is idempotent. `signal` is aborted once the handle no longer
 * holds the lock: it was taken over or removed, could not be renewed in time (aborted with a
 * margin before the lease can expire for others), or was released. Its `reason` is a
 * ConvergeError: CONFLICT LEASE_LOST when the lease was lost, LOCK_RELEASED after release.
 * Whoever acts under the lock stops acting when it fires.
 */
export interface LockHandle {
  holder: LockHolder;
  readonly signal: AbortSignal;
  release(): Promise<void>;
}

/**
 * StateLocker takes the single writer lock of a state. acquire waits up to `timeoutMs` (0 = try
 * once) and then throws ConvergeError CONFLICT code STATE_LOCKED with the holder in details.
 * A holder whose heartbeat is older than its expiry, or whose pid is dead on this host, is stale
 * and the lock is taken over (the takeover is reported through `onStaleTakeover`).
 */
export interface StateLocker {
  acquire(options: { timeoutMs: number; command: string; onStaleTakeover?: (stale: LockHolder) => void }): Promise<LockHandle>;
  /** inspect returns the current holder, if any, without taking the lock. */
  inspect(): Promise<LockHolder | undefined>;
}

export type IntentStatus = 'open' | 'done' | 'failed' | 'unknown';

export type IntentAction = 'create' | 'update' | 'delete' | 'recover';

/**
 * Intent is one journal entry: written and flushed before a mutating backend call, resolved after.
 * `outcome` records what was learned (e.g. the id CreateInfrastructure returned) so that a crash
 * between the reply and the next state write loses nothing.
 */
export interface Intent {
  id: string;
  key: string;
  backend: string;
  /** method is the API method (e.g. `CreateInfrastructure`); target a short, secret-free summary. */
  method: string;
  target: string;
  /**
   * action is what the call was part of (`create` makes the object exist, `delete` makes it gone,
   * `update` changes it, `recover` is a driver's own repair); the engine's rule for settling an
   * intent whose outcome is unknown reads it. Absent in journals written before it existed.
   */
  action?: IntentAction;
  status: IntentStatus;
  /** context is what the driver needs to settle the intent after a crash (no secrets). */
  context?: Record<string, unknown>;
  startedAt: string;
  endedAt?: string;
  outcome?: Record<string, unknown>;
  error?: { kind: string; code: string; message: string };
  /**
   * settledAt is when a later look (observation or a driver's recover hook) accounted for what an
   * open or `unknown` call did; `note` says what it found. Until then the intent is unsettled.
   */
  settledAt?: string;
  note?: string;
}

/**
 * Journal is the write-ahead record of mutating calls. `begin` returns only after the intent is
 * durable (fsync or commit). `resolve` records how the call ended as the caller saw it.
 *
 * An intent is *unsettled* while nobody knows what its call did: it is `open` (the caller died
 * before the reply) or `unknown` (the reply was lost, late or timed out), and no later look has
 * accounted for it. Unsettled intents survive compaction and runs, however long the server takes
 * to act on a late call; the engine sends no further mutating call for their key until `settle`
 * records what observation (or a driver's recover hook) found. `compact` drops every settled or
 * resolved entry; it runs after the state that records their outcomes is written, so `recent()`
 * is what the last runs left plus whatever is still unsettled.
 */
export interface Journal {
  begin(intent: Omit<Intent, 'id' | 'status' | 'startedAt'>): Promise<Intent>;
  resolve(id: string, result: { status: Exclude<IntentStatus, 'open'>; outcome?: Record<string, unknown>; error?: Intent['error'] }): Promise<void>;
  /** unsettled lists intents that are open, or unknown and not yet settled, oldest first. */
  unsettled(): Promise<Intent[]>;
  /** recent lists every intent since the last compaction (any status), for driver recovery. */
  recent(): Promise<Intent[]>;
  /**
   * settle records that a later look accounted for intent `id`: an open intent becomes `done` with
   * `outcome` when given, `unknown` otherwise; an unknown one keeps its status. Either way it is
   * settled and leaves the journal at the next compaction.
   */
  settle(id: string, note: string, outcome?: Record<string, unknown>): Promise<void>;
  compact(): Promise<void>;
}

/** isUnsettled: the call's outcome is not accounted for yet (see Journal). */
export function isUnsettled(intent: Pick<Intent, 'status' | 'settledAt'>): boolean {
  return (intent.status === 'open' || intent.status === 'unknown') && intent.settledAt === undefined;
}

/** StateStore composes the small interfaces (Terraform's statemgr style). */
export interface StateStore extends StateReader, StateWriter, StateLocker {
  readonly journal: Journal;
  /** describe names the store for messages, e.g. `file .converge/state.json` (never a secret). */
  readonly description: string;
  /** close releases connections the store keeps open (database stores); the store is unusable after. */
  close?(): Promise<void>;
}

/**
 * StateTransfer is what `converge state migrate` and `converge state unlock` need from a store
 * besides StateStore. Both stores implement it; wrappers (views) need not.
 */
export interface StateTransfer {
  /** isEmpty: no state was ever written here and the journal holds no intent. */
  isEmpty(): Promise<boolean>;
  /**
   * replaceAll stores `snapshot` exactly as given (lineage and serial kept) and makes `intents`
   * the whole journal, replacing whatever was there. Callers hold the lock and have checked
   * isEmpty unless they mean to overwrite.
   */
  replaceAll(snapshot: StateSnapshot, intents: Intent[]): Promise<void>;
  /** breakLock removes the lock whoever holds it (`converge state unlock --force`); returns the holder it removed. */
  breakLock(): Promise<LockHolder | undefined>;
}
