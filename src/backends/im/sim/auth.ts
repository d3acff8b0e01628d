/**
 * IM's reading of the auth argument (IM.auth.Authentication + check_auth_data):
 * - every entry's `id` must match `[a-zA-Z_.][\w.-]*` (checked first);
 * - the `InfrastructureManager` entries are the caller's identity: username+password, or an
 *   OIDC token (identity `__OPENID__<sub>`); any pair is accepted unless a user DB is set;
 * - every other entry, except VMRC, AppDBIS and EGIIS, is a cloud whose id defaults to
 *   `<type><index>`.
 */
import type { XmlRpcValue } from '../../../xmlrpc/value.js';
import { isStruct } from '../../../xmlrpc/value.js';
import type { Identity } from './model/credentials.js';
import type { CloudRef } from './model/types.js';

export type AuthEntry = Record<string, string>;

export interface UserRecord {
  username: string;
  password: string;
}

/** CallerAuth is a checked auth argument: the identities and every entry, in order. */
export interface CallerAuth {
  identities: Identity[];
  entries: AuthEntry[];
}

const NOT_CLOUDS = new Set(['InfrastructureManager', 'VMRC', 'AppDBIS', 'EGIIS']);
const ID_FORMAT = /^[a-zA-Z_.][\p{L}\p{N}_.-]*/u;

/** readAuthEntries keeps struct entries with their values as strings (Python str()). */
export function readAuthEntries(auth: XmlRpcValue | undefined): AuthEntry[] {
  if (!Array.isArray(auth)) return [];
  const entries: AuthEntry[] = [];
  for (const item of auth) {
    if (!isStruct(item)) continue;
    const entry: AuthEntry = {};
    for (const [k, v] of Object.entries(item)) entry[k] = typeof v === 'string' ? v : String(v);
    entries.push(entry);
  }
  return entries;
}

/** checkAuthData validates the caller's auth argument or throws IM's message. */
export function checkAuthData(auth: XmlRpcValue | undefined, users?: readonly UserRecord[]): CallerAuth {
  const entries = readAuthEntries(auth);
  for (const entry of entries) {
    if (entry.id !== undefined && !ID_FORMAT.test(entry.id)) throw new Error(`Incorrect value in auth item id: ${entry.id}`);
  }
  const im = entries.filter((e) => e.type === 'InfrastructureManager');
  if (im.length === 0) throw new Error('No credentials provided for the InfrastructureManager.');
  return { identities: im.map((e) => identityOf(e, users)), entries };
}

function identityOf(entry: AuthEntry, users?: readonly UserRecord[]): Identity {
  const { username, password, token } = entry;
  if (!username && !token) throw new Error('No username nor token for the InfrastructureManager.');
  if (token) return { username: `__OPENID__${tokenSubject(token)}`, password: null, token };
  const user = username ?? '';
  if (user.startsWith('__OPENID__')) throw new Error('Invalid username used for the InfrastructureManager.');
  if (users && !users.some((u) => u.username === user && u.password === password)) {
    throw new Error('Invalid InfrastructureManager credentials');
  }
  return { username: user, password: password ?? null, token: null };
}

/** tokenSubject reads `sub` from a JWT without verifying it (the simulator trusts tokens). */
function tokenSubject(token: string): string {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { sub?: unknown };
    if (typeof payload.sub === 'string' && payload.sub) return payload.sub;
  } catch {
    // fall through
  }
  throw new Error('Invalid InfrastructureManager credentials. OIDC auth Token not valid.');
}

/** cloudList is CloudInfo.get_cloud_list: cloud entries with their ids, in auth order. */
export function cloudList(entries: readonly AuthEntry[]): CloudRef[] {
  const clouds: CloudRef[] = [];
  entries.forEach((entry, index) => {
    const type = entry.type;
    if (!type || NOT_CLOUDS.has(type)) return;
    clouds.push({ id: entry.id ?? `${type}${index}`, type });
  });
  return clouds;
}

/** requireSupported fails like IM's connector import for any cloud type but Dummy. */
export function requireSupported(cloud: CloudRef): void {
  if (cloud.type !== 'Dummy') {
    throw new Error(`Cloud provider not supported: ${cloud.type} (error: No module named 'IM.connectors.${cloud.type}')`);
  }
}
