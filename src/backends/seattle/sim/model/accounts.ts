/**
 * Accounts as the Clearinghouse creates them (seattle.md §2, §6, §8): a 32-character API key of
 * distinct characters from 0-9 and A-Z without `O`, a user port drawn from 63100–63179, 10 free
 * vessel credits, and an RSA key pair whose private half the server keeps (the "generate keys for
 * me" path), so get_encrypted_api_key works. Credentials are stored as credentials.ts says.
 */
import { createHash, randomBytes } from 'node:crypto';
import { generateSeattleKeyPair } from '../rsa.js';
import type { AccountSecrets, Credentials } from './credentials.js';
import type { AccountRecord } from './types.js';

export const API_KEY_ALPHABET = '0123456789ABCDEFGHIJKLMNPQRSTUVWXYZ';
export const API_KEY_LENGTH = 32;
export const DEFAULT_FREE_CREDITS = 10;

/** DEFAULT_ACCOUNT is the account a simulator has when none are configured. */
export const DEFAULT_ACCOUNT = {
  username: 'alice',
  apiKey: 'K3YALICE012456789BDFGHJMNPQRSTUV',
  password: 'alice-password',
} as const;

export interface AccountOptions {
  username: string;
  apiKey: string;
  maxVessels?: number;
  /** password is for regenerate_api_key and set_public_key (default `<username>-password`). */
  password?: string;
  affiliation?: string;
  /** publicKey ("e n") and privateKey ("d p q") default to a freshly generated pair. */
  publicKey?: string;
  privateKey?: string;
}

/** createAccount returns the account as stored and the secrets the server keeps in memory only. */
export function createAccount(options: AccountOptions, seed: number, credentials: Credentials): { account: AccountRecord; secrets: AccountSecrets } {
  const keys = options.publicKey ? { publicKey: options.publicKey, privateKey: options.privateKey ?? null } : generateSeattleKeyPair();
  const digest = createHash('sha256').update(`${seed}/port/${options.username}`).digest();
  const password = options.password ?? `${options.username}-password`;
  const account: AccountRecord = {
    username: options.username,
    apiKeyDigest: '',
    passwordDigest: credentials.digest(password),
    apiKeyEncrypted: '',
    apiKeySealed: '',
    maxVessels: options.maxVessels ?? DEFAULT_FREE_CREDITS,
    userPort: 63100 + (digest.readUInt32BE(0) % 80),
    affiliation: options.affiliation ?? 'converge simulator',
    publicKey: keys.publicKey,
  };
  credentials.setApiKey(account, options.apiKey, password);
  return { account, secrets: { apiKey: options.apiKey, privateKey: keys.privateKey } };
}

/** newApiKey draws 32 distinct characters from the API key alphabet. */
export function newApiKey(): string {
  const pool = [...API_KEY_ALPHABET];
  const random = randomBytes(API_KEY_LENGTH);
  let key = '';
  for (let i = 0; i < API_KEY_LENGTH; i++) key += pool.splice((random[i] ?? 0) % pool.length, 1)[0];
  return key;
}
