/**
 * SeattleStore owns the model and its only mutations. Reads take `now` from the caller (one
 * clock reading per call, so one reply is self-consistent); mutations mark the store changed so
 * the simulator saves before it replies.
 */
import { Credentials, newCredentialSalt, type AccountSecrets } from './credentials.js';
import { makeNode } from './node-factory.js';
import { acquiredBy, isAvailable, vesselStatus, type VesselStatus } from './vessel-status.js';
import { INITIAL_LIFETIME_MS, RENEWED_LIFETIME_MS, type AccountRecord, type NodeKind, type NodeRecord, type SeattleState } from './types.js';

export class SeattleStore {
  readonly state: SeattleState;
  readonly backendDelayMs: number;
  readonly random: () => number;
  /** credentials digests and seals under the state's salt (credentials.ts). */
  readonly credentials: Credentials;
  /** secrets are the clear API keys and private keys known while the simulator runs, by username. */
  readonly secrets: Map<string, AccountSecrets>;
  #changed = false;

  constructor(state: SeattleState, backendDelayMs: number, random: () => number, secrets: Map<string, AccountSecrets> = new Map()) {
    state.credentialSalt ??= newCredentialSalt();
    this.state = state;
    this.backendDelayMs = backendDelayMs;
    this.random = random;
    this.credentials = new Credentials(state.credentialSalt);
    this.secrets = secrets;
  }

  account(username: string): AccountRecord | undefined {
    return this.state.accounts.find((a) => a.username === username);
  }

  /** secretsOf is what is known in clear of an account (nothing after a restart, until learnt again). */
  secretsOf(username: string): AccountSecrets {
    let known = this.secrets.get(username);
    if (!known) this.secrets.set(username, (known = {}));
    return known;
  }

  findVessel(nodeId: string, vesselName: string): NodeRecord | undefined {
    return this.state.nodes.find((n) => n.id === nodeId && n.vesselName === vesselName);
  }

  findByHandle(handle: string): NodeRecord | undefined {
    const cut = handle.lastIndexOf(':');
    return cut < 0 ? undefined : this.findVessel(handle.slice(0, cut), handle.slice(cut + 1));
  }

  status(node: NodeRecord, now: number): VesselStatus {
    return vesselStatus(node, now, this.backendDelayMs);
  }

  acquiredBy(node: NodeRecord, now: number): string | null {
    return acquiredBy(node, now, this.backendDelayMs);
  }

  /** heldBy lists the user's unexpired vessels, oldest acquisition first (get_resource_info). */
  heldBy(username: string, now: number): NodeRecord[] {
    return this.state.nodes
      .filter((n) => n.owner === username && this.status(n, now) === 'held')
      .sort((a, b) => a.acquiredAt - b.acquiredAt || a.serial - b.serial);
  }

  isAvailable(node: NodeRecord, now: number): boolean {
    return isAvailable(node, now, this.backendDelayMs);
  }

  available(now: number): NodeRecord[] {
    return this.state.nodes.filter((n) => this.isAvailable(n, now));
  }

  acquire(node: NodeRecord, username: string, now: number): void {
    Object.assign(node, { owner: username, acquiredAt: now, expiresAt: now + INITIAL_LIFETIME_MS });
    this.#changed = true;
  }

  /** renew resets the expiry to now + 7 days; it never adds to what is left. */
  renew(node: NodeRecord, now: number): void {
    Object.assign(node, { acquiredAt: now, expiresAt: now + RENEWED_LIFETIME_MS });
    this.#changed = true;
  }

  /** release frees the vessel; it is dirty until the backend has reset it. */
  release(node: NodeRecord, now: number): void {
    Object.assign(node, { owner: null, releasedAt: now });
    this.#changed = true;
  }

  addNode(kind: NodeKind): NodeRecord {
    const node = makeNode(this.state.seed, this.state.nextSerial, kind, this.state.nodes);
    this.state.nextSerial += 1;
    this.state.nodes.push(node);
    this.#changed = true;
    return node;
  }

  removeNode(node: NodeRecord): void {
    this.state.nodes = this.state.nodes.filter((n) => n !== node);
    this.#changed = true;
  }

  markChanged(): void {
    this.#changed = true;
  }

  /** takeChanged reports whether anything changed since the last call, and resets the flag. */
  takeChanged(): boolean {
    const changed = this.#changed;
    this.#changed = false;
    return changed;
  }
}
