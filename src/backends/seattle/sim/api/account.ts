/**
 * The read methods and the account methods (seattle.md §2, §4):
 * get_resource_info, get_account_info (exactly user_port, user_name, max_vessels,
 * user_affiliation), get_public_key ("e n"), get_encrypted_api_key (no auth; seattlelib RSA of
 * 20 random alphanumerics + "!" + the API key), regenerate_api_key and set_public_key
 * (password auth).
 */
import { randomInt } from 'node:crypto';
import type { XmlRpcValue } from '../../../../xmlrpc/value.js';
import { newApiKey } from '../model/accounts.js';
import { parsePublicKey, rsaEncrypt } from '../rsa.js';
import type { ApiContext } from './context.js';
import { requireApiKeyAuth, requirePasswordAuth } from './auth.js';
import { INVALID_PUBLIC_KEY_TEXT, UNKNOWN_USERNAME_TEXT, internalError, invalidRequest } from './faults.js';
import { vesselInfo } from './infodict.js';

const NONCE_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

export function getResourceInfo(ctx: ApiContext, [auth]: XmlRpcValue[]): XmlRpcValue {
  const account = requireApiKeyAuth(ctx.store, auth);
  return ctx.store.heldBy(account.username, ctx.now).map((node) => vesselInfo(node, ctx.now));
}

export function getAccountInfo(ctx: ApiContext, [auth]: XmlRpcValue[]): XmlRpcValue {
  const account = requireApiKeyAuth(ctx.store, auth);
  return { user_port: account.userPort, user_name: account.username, max_vessels: account.maxVessels, user_affiliation: account.affiliation };
}

export function getPublicKey(ctx: ApiContext, [auth]: XmlRpcValue[]): XmlRpcValue {
  return requireApiKeyAuth(ctx.store, auth).publicKey;
}

export function getEncryptedApiKey(ctx: ApiContext, [username]: XmlRpcValue[]): XmlRpcValue {
  if (typeof username !== 'string') throw internalError();
  const account = ctx.store.account(username);
  if (!account) throw invalidRequest(UNKNOWN_USERNAME_TEXT);
  let nonce = '';
  for (let i = 0; i < 20; i++) nonce += NONCE_ALPHABET[randomInt(NONCE_ALPHABET.length)];
  return rsaEncrypt(`${nonce}!${account.apiKey}`, account.publicKey);
}

/** regenerate_api_key returns the new key; the old one stops working at once. */
export function regenerateApiKey(ctx: ApiContext, [pwauth]: XmlRpcValue[]): XmlRpcValue {
  const account = requirePasswordAuth(ctx.store, pwauth);
  account.apiKey = newApiKey();
  ctx.store.markChanged();
  return account.apiKey;
}

/** set_public_key replaces the key pair; the server no longer holds a private key afterwards. */
export function setPublicKey(ctx: ApiContext, [pwauth, keyText]: XmlRpcValue[]): XmlRpcValue {
  const account = requirePasswordAuth(ctx.store, pwauth);
  if (typeof keyText !== 'string' || !parsePublicKey(keyText)) throw invalidRequest(INVALID_PUBLIC_KEY_TEXT);
  account.publicKey = keyText.trim().split(/\s+/).join(' ');
  account.privateKey = null;
  ctx.store.markChanged();
  return 0;
}
