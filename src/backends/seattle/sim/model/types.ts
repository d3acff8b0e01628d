/**
 * The simulator's persisted model: accounts and a pool of nodes, each node offering one vessel to
 * users (the real per-vessel user-port rule is not modelled: every vessel carries every user port).
 * Every time is virtual epoch milliseconds from the SimClock. Vessel state is stored as facts
 * (owner, expiry, release time) and everything else (expired, dirty, free) is derived from them
 * against the clock at each call, so no timers run and a restart loses nothing.
 */

/** NodeKind is how the pool was built: lan nodes share /24s, wan nodes each have their own /24, nat nodes have `NAT$` addresses. */
export type NodeKind = 'lan' | 'wan' | 'nat';

/** RspecType is what acquire_resources accepts (`random` is called `rand` inside the real server). */
export type RspecType = 'lan' | 'wan' | 'nat' | 'random';

export const NODE_KINDS: readonly NodeKind[] = ['lan', 'wan', 'nat'];
export const RSPEC_TYPES: readonly RspecType[] = ['lan', 'wan', 'nat', 'random'];

/** Lifetimes (seattle.md §7): 4 hours after acquire; renewal resets to now + 7 days. */
export const INITIAL_LIFETIME_MS = 4 * 3600 * 1000;
export const RENEWED_LIFETIME_MS = 7 * 24 * 3600 * 1000;

/**
 * AccountRecord is an account as persisted: no credential in clear (credentials.ts). The clear
 * API key and the server-held private key are in memory only (the store's AccountSecrets).
 */
export interface AccountRecord {
  username: string;
  /** apiKeyDigest and passwordDigest are HMAC-SHA256 under the state's credentialSalt. */
  apiKeyDigest: string;
  passwordDigest: string;
  /** apiKeyEncrypted is a get_encrypted_api_key answer for the current key and public key. */
  apiKeyEncrypted: string;
  /** apiKeySealed is the API key under a key derived from the password (for set_public_key). */
  apiKeySealed: string;
  /** maxVessels is total credits (free credits + 10 per active donation), not what is left. */
  maxVessels: number;
  userPort: number;
  affiliation: string;
  /** publicKey is seattlelib's "e n". */
  publicKey: string;
}

export interface NodeRecord {
  serial: number;
  /** id is the node's public key string ("e n"): long, contains a space, never a colon. */
  id: string;
  ip: string;
  port: number;
  kind: NodeKind;
  active: boolean;
  /** reachable false makes the node manager refuse SetVesselUsers, so acquisitions on it fail. */
  reachable: boolean;
  vesselName: string;
  /** owner is `acquired_by_user`; it stays set after expiry until the backend reclaims the vessel. */
  owner: string | null;
  acquiredAt: number;
  expiresAt: number;
  /** releasedAt is when release_resources (or a rollback) last freed the vessel; cleanup follows. */
  releasedAt: number;
}

export interface SeattleState {
  version: 1;
  seed: number;
  /** clockMs is the virtual time at the last save, so a restarted simulator never goes back in time. */
  clockMs: number;
  /** credentialSalt salts the accounts' digests (absent in files from before digests). */
  credentialSalt?: string;
  nextSerial: number;
  accounts: AccountRecord[];
  nodes: NodeRecord[];
}

export function vesselHandle(node: NodeRecord): string {
  return `${node.id}:${node.vesselName}`;
}
