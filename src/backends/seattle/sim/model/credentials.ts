/**
 * Account credentials are never persisted in clear (the simulator's state file: `.converge/sim/
 * *.seattle.json`, `converge sim seattle --persist`). What is stored instead, per account:
 * - `passwordDigest` and `apiKeyDigest`: HMAC-SHA256 under a random salt kept in the same state
 *   (one per file), against which a caller's password or api_key is checked;
 * - `apiKeyEncrypted`: the API key as get_encrypted_api_key answers it (seattlelib RSA of
 *   "<20 random alphanumerics>!<key>" with the account's public key): only the holder of the
 *   private key can read it, which is the whole point of that method;
 * - `apiKeySealed`: the API key under AES-256-GCM with a key derived from the password, so that
 *   set_public_key (which is given the password) can encrypt it again for the new public key.
 * The clear API key and the server-held private key live in memory only (`AccountSecrets`): a
 * simulator that loaded its state from a file answers get_encrypted_api_key with the stored
 * ciphertext, and no longer holds the private key (`sim.privateKey` is for tests of one process).
 *
 * Files written before digests hold clear `apiKey` / `password` / `privateKey` members;
 * `migrateAccounts` turns them into the above when such a file is loaded.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { rsaEncrypt } from '../rsa.js';
import type { AccountRecord, SeattleState } from './types.js';

/** AccountSecrets are what the server knows in clear while it runs; never written to a file. */
export interface AccountSecrets {
  apiKey?: string;
  /** privateKey ("d p q") while the server generated the pair; null after set_public_key. */
  privateKey?: string | null;
}

const NONCE_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** newCredentialSalt makes the random salt of a new state. */
export function newCredentialSalt(): string {
  return randomBytes(16).toString('hex');
}

/** Credentials digests, seals and encrypts one state's credentials under its salt. */
export class Credentials {
  readonly #salt: Buffer;

  constructor(salt: string) {
    this.#salt = Buffer.from(salt, 'hex');
  }

  digest(secret: string): string {
    return `hmac-sha256:${createHmac('sha256', this.#salt).update(secret, 'utf8').digest('hex')}`;
  }

  /** matches compares a caller's secret with a stored digest in constant time. */
  matches(stored: string, secret: string): boolean {
    const given = Buffer.from(this.digest(secret));
    const kept = Buffer.from(stored);
    return given.length === kept.length && timingSafeEqual(given, kept);
  }

  /** setApiKey stores what the account needs of a new API key (the password seals it). */
  setApiKey(account: AccountRecord, apiKey: string, password: string): void {
    account.apiKeyDigest = this.digest(apiKey);
    account.apiKeyEncrypted = encryptedApiKey(apiKey, account.publicKey);
    account.apiKeySealed = this.#seal(apiKey, password);
  }

  /** unsealApiKey recovers the API key with the account's password (set_public_key after a restart). */
  unsealApiKey(account: AccountRecord, password: string): string {
    const [iv, tag, body] = account.apiKeySealed.split('.').map((part) => Buffer.from(part, 'base64'));
    const decipher = createDecipheriv('aes-256-gcm', this.#sealKey(password), iv!);
    decipher.setAuthTag(tag!);
    return Buffer.concat([decipher.update(body!), decipher.final()]).toString('utf8');
  }

  #seal(apiKey: string, password: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#sealKey(password), iv);
    const body = Buffer.concat([cipher.update(apiKey, 'utf8'), cipher.final()]);
    return [iv, cipher.getAuthTag(), body].map((part) => part.toString('base64')).join('.');
  }

  #sealKey(password: string): Buffer {
    return createHmac('sha256', this.#salt).update(`seal:${password}`, 'utf8').digest();
  }
}

/** encryptedApiKey is get_encrypted_api_key's answer: a fresh nonce, "!", the key, under the public key. */
export function encryptedApiKey(apiKey: string, publicKey: string): string {
  let nonce = '';
  for (let i = 0; i < 20; i++) nonce += NONCE_ALPHABET[randomInt(NONCE_ALPHABET.length)];
  return rsaEncrypt(`${nonce}!${apiKey}`, publicKey);
}

interface LegacyAccount {
  username: string;
  apiKey?: string;
  password?: string;
  privateKey?: string | null;
}

/**
 * migrateAccounts replaces the clear members of accounts loaded from an older file by digests,
 * ciphertexts and in-memory secrets, and gives the state a salt if it has none. Returns the
 * secrets found, and whether anything changed (then the caller saves at once).
 */
export function migrateAccounts(state: SeattleState): { secrets: Map<string, AccountSecrets>; changed: boolean } {
  let changed = false;
  if (!state.credentialSalt) {
    state.credentialSalt = newCredentialSalt();
    changed = true;
  }
  const credentials = new Credentials(state.credentialSalt);
  const secrets = new Map<string, AccountSecrets>();
  for (const account of state.accounts) {
    const legacy = account as unknown as LegacyAccount;
    if (legacy.apiKey === undefined && legacy.password === undefined && legacy.privateKey === undefined) continue;
    changed = true;
    const password = legacy.password ?? `${account.username}-password`;
    if (legacy.apiKey !== undefined) credentials.setApiKey(account, legacy.apiKey, password);
    account.passwordDigest = credentials.digest(password);
    secrets.set(account.username, { ...(legacy.apiKey !== undefined ? { apiKey: legacy.apiKey } : {}), privateKey: legacy.privateKey ?? null });
    delete legacy.apiKey;
    delete legacy.password;
    delete legacy.privateKey;
  }
  return { secrets, changed };
}
