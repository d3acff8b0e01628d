/**
 * Owners' credentials are kept as digests, never in clear, so the simulator's persistence file
 * (`.converge/sim/*.im.json`, `converge sim im --persist`) holds no password: a password is
 * stored as HMAC-SHA256 keyed by a random salt kept in the same state (one salt per file, so the
 * same password gives different digests in different files), and a caller's password is checked
 * by digesting it with that salt. A slow KDF (scrypt) would cost tens of milliseconds on every
 * call of every identity; the simulator only has to keep clear passwords off the disk.
 *
 * Files written before digests hold `password` / `token` members; `migrateOwners` turns them
 * into digests when such a file is loaded.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Owner, SimState } from './types.js';

/** Identity is a caller's InfrastructureManager entry as sent, in memory only (never stored). */
export interface Identity {
  username: string;
  password: string | null;
  token: string | null;
}

/** newCredentialSalt makes the random salt of a new state. */
export function newCredentialSalt(): string {
  return randomBytes(16).toString('hex');
}

/** CredentialDigests digests and compares passwords under one state's salt. */
/** RECENT_PASSWORDS bounds the memo of `digest`. */
const RECENT_PASSWORDS = 16;

export class CredentialDigests {
  readonly #key: Buffer;
  readonly #recent = new Map<string, string>();

  constructor(salt: string) {
    this.#key = Buffer.from(salt, 'hex');
  }

  /**
   * digest is memoised for the last few passwords seen (in memory only, like the call that
   * carried them): every call is authorised, and callers send the same few passwords.
   */
  digest(password: string): string {
    const known = this.#recent.get(password);
    if (known !== undefined) return known;
    const digest = `hmac-sha256:${createHmac('sha256', this.#key).update(password, 'utf8').digest('hex')}`;
    if (this.#recent.size >= RECENT_PASSWORDS) this.#recent.delete(this.#recent.keys().next().value!);
    this.#recent.set(password, digest);
    return digest;
  }

  /** ownerOf turns a caller's identity into what is stored for an owner. */
  ownerOf(identity: Identity): Owner {
    return {
      username: identity.username,
      passwordDigest: identity.password === null ? null : this.digest(identity.password),
      oidc: identity.token !== null,
    };
  }

  /** matches: same username and password (or both OIDC: IM trusts the token's subject). */
  matches(owner: Owner, identity: Identity, digest: string | null): boolean {
    if (owner.username !== identity.username) return false;
    if (identity.token !== null) return owner.oidc;
    if (owner.oidc) return false;
    if (owner.passwordDigest === null || digest === null) return owner.passwordDigest === digest;
    return owner.passwordDigest.length === digest.length && timingSafeEqual(Buffer.from(owner.passwordDigest), Buffer.from(digest));
  }
}

interface LegacyOwner {
  username: string;
  password?: string | null;
  token?: string | null;
}

/**
 * migrateOwners replaces clear `password` / `token` members of a loaded state by digests and
 * gives the state a salt if it has none. Returns true when anything changed (save at once).
 */
export function migrateOwners(state: SimState): boolean {
  let changed = false;
  if (!state.credentialSalt) {
    state.credentialSalt = newCredentialSalt();
    changed = true;
  }
  const digests = new CredentialDigests(state.credentialSalt);
  for (const inf of state.infrastructures) {
    inf.owners = inf.owners.map((owner) => {
      const legacy = owner as unknown as LegacyOwner & Partial<Owner>;
      if (!('password' in legacy) && !('token' in legacy)) return owner;
      changed = true;
      const password = typeof legacy.password === 'string' ? legacy.password : null;
      const token = typeof legacy.token === 'string' ? legacy.token : null;
      return digests.ownerOf({ username: legacy.username, password, token });
    });
  }
  return changed;
}
