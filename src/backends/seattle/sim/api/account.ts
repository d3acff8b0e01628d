/**
 * The read methods and the account methods (seattle.md §2, §4):
 * get_resource_info, get_account_info (exactly user_port, user_name, max_vessels,
 * user_affiliation), get_public_key ("e n"), get_encrypted_api_key (no auth; seattlelib RSA of
 * 20 random alphanumerics + "!" + the API key), regenerate_api_key and set_public_key
 * (password auth).
 */
import type { XmlRpcValue } from '../../../../xmlrpc/value.js';
import { newApiKey } from '../model/accounts.js';
import { encryptedApiKey } from '../model/credentials.js';
import { parsePublicKey } from '../rsa.js';
import type { ApiContext } from './context.js';
import { requireApiKeyAuth, requirePasswordAuth } from './auth.js';
import { INVALID_PUBLIC_KEY_TEXT, UNKNOWN_USERNAME_TEXT, internalError, invalidRequest } from './faults.js';
import { vesselInfo } from './infodict.js';

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
  // A fresh nonce each time while the clear key is in memory; after a restart, the stored answer.
  const apiKey = ctx.store.secretsOf(username).apiKey;
  return apiKey === undefined ? account.apiKeyEncrypted : encryptedApiKey(apiKey, account.publicKey);
}

/** regenerate_api_key returns the new key; the old one stops working at once. */
export function regenerateApiKey(ctx: ApiContext, [pwauth]: XmlRpcValue[]): XmlRpcValue {
  const account = requirePasswordAuth(ctx.store, pwauth);
  const apiKey = newApiKey();
  ctx.store.credentials.setApiKey(account, apiKey, passwordOf(pwauth));
  ctx.store.secretsOf(account.username).apiKey = apiKey;
  ctx.store.markChanged();
  return apiKey;
}

/** set_public_key replaces the key pair; the server no longer holds a private key afterwards. */
export function setPublicKey(ctx: ApiContext, [pwauth, keyText]: XmlRpcValue[]): XmlRpcValue {
  const account = requirePasswordAuth(ctx.store, pwauth);
  if (typeof keyText !== 'string' || !parsePublicKey(keyText)) throw invalidRequest(INVALID_PUBLIC_KEY_TEXT);
  const secrets = ctx.store.secretsOf(account.username);
  const password = passwordOf(pwauth);
  const apiKey = secrets.apiKey ?? ctx.store.credentials.unsealApiKey(account, password);
  account.publicKey = keyText.trim().split(/\s+/).join(' ');
  ctx.store.credentials.setApiKey(account, apiKey, password);
  secrets.apiKey = apiKey;
  secrets.privateKey = null;
  ctx.store.markChanged();
  return 0;
}

/** passwordOf reads the password of a pwauth struct requirePasswordAuth has accepted. */
function passwordOf(pwauth: XmlRpcValue | undefined): string {
  return String((pwauth as Record<string, XmlRpcValue>).password);
}
