/**
 * The two auth structs (seattle.md §2). Auth is checked before any other argument: a malformed
 * struct is 102, a wrong pair is 101. Secrets are compared by digest (model/credentials.ts).
 */
import { isStruct, type XmlRpcValue } from '../../../../xmlrpc/value.js';
import type { SeattleStore } from '../model/store.js';
import type { AccountRecord } from '../model/types.js';
import { AUTH_DICT_TEXT, AUTH_FAILED_TEXT, FAULT_AUTH, PWAUTH_DICT_TEXT, fault, invalidRequest } from './faults.js';

/** requireApiKeyAuth checks `{username, api_key}` and returns the account. */
export function requireApiKeyAuth(store: SeattleStore, auth: XmlRpcValue | undefined): AccountRecord {
  return requireAuth(store, auth, 'api_key', AUTH_DICT_TEXT, (account, secret) => typeof secret === 'string' && store.credentials.matches(account.apiKeyDigest, secret));
}

/** requirePasswordAuth checks `{username, password}` (regenerate_api_key, set_public_key). */
export function requirePasswordAuth(store: SeattleStore, auth: XmlRpcValue | undefined): AccountRecord {
  return requireAuth(store, auth, 'password', PWAUTH_DICT_TEXT, (account, secret) => typeof secret === 'string' && store.credentials.matches(account.passwordDigest, secret));
}

function requireAuth(
  store: SeattleStore,
  auth: XmlRpcValue | undefined,
  secretKey: 'api_key' | 'password',
  malformedText: string,
  matches: (account: AccountRecord, secret: XmlRpcValue) => boolean,
): AccountRecord {
  if (!isStruct(auth) || auth.username === undefined || auth[secretKey] === undefined) throw invalidRequest(malformedText);
  const account = typeof auth.username === 'string' ? store.account(auth.username) : undefined;
  if (!account || !matches(account, auth[secretKey] as XmlRpcValue)) throw fault(FAULT_AUTH, AUTH_FAILED_TEXT);
  return account;
}
