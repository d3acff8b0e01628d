/**
 * PLC's authentication structs (planetlab.md §A3, PLC/Auth.py), checked after the argument
 * types and before the method body:
 * - password (and its alias capability): the lowercased Username must be an enabled local person
 *   and the password must match; no account, a bad password or a role the method does not list
 *   are all 103;
 * - session: an unknown key is 103 `SessionAuth: No such session`; an expired one is 103 and its
 *   row is deleted; a role the method does not list is 108 and the session is kept;
 * - anonymous: only where the method lists `anonymous`, else 103;
 * - gpg and hmac (peers and nodes) are not simulated: no peer or node key exists, so they fail
 *   as they would at a PLC without any.
 */
import type { XmlRpcStruct } from '../../../../../xmlrpc/value.js';
import { passwordMatches, hashSessionKey } from '../model/secrets.js';
import type { PlcStore } from '../model/store.js';
import type { MethodRole, PersonRow } from '../model/types.js';
import { authFailure, invalidArgument, permissionDenied } from './faults.js';
import { str, struct, typeCheck } from './param-check.js';

/** Caller is who a call runs as; `sessionKeyHash` is set when it authenticated with a session. */
export type Caller = { kind: 'person'; person: PersonRow; sessionKeyHash?: string } | { kind: 'anonymous' };

const AUTH_METHODS = ['session', 'password', 'capability', 'gpg', 'hmac', 'hmac_dummybox', 'anonymous'];

/** AUTH_PARAM is the first parameter of every authenticated method: a struct with AuthMethod. */
export const AUTH_PARAM = struct({ AuthMethod: str({ optional: false }) });

/** authenticate checks `auth` for a method with `roles` at `now` (epoch seconds). */
export function authenticate(store: PlcStore, auth: XmlRpcStruct, method: { name: string; roles: readonly MethodRole[] }, now: number): Caller {
  const kind = String(auth.AuthMethod);
  if (!AUTH_METHODS.includes(kind)) {
    throw invalidArgument("must be 'session', 'password', 'gpg', 'hmac', 'hmac_dummybox', or 'anonymous'", 'AuthMethod');
  }
  switch (kind) {
    case 'password':
    case 'capability':
      return passwordAuth(store, auth, method);
    case 'session':
      return sessionAuth(store, auth, method, now);
    case 'anonymous':
      if (!method.roles.includes('anonymous')) throw authFailure('AnonymousAuth: Not allowed to call method anonymously');
      return { kind: 'anonymous' };
    case 'gpg':
      typeCheck('auth', auth, struct({ AuthMethod: str({ optional: false }), name: str({ optional: false }), signature: str({ optional: false }) }));
      throw authFailure(`GPGAuth: No such user '${String(auth.name)}'`);
    default:
      throw authFailure(method.roles.includes('node') ? 'BootAuth: No such node' : 'BootAuth: Not allowed to call method');
  }
}

function passwordAuth(store: PlcStore, auth: XmlRpcStruct, method: { name: string; roles: readonly MethodRole[] }): Caller {
  typeCheck('auth', auth, struct({ AuthMethod: str({ optional: false }), Username: str({ optional: false }), AuthString: str({ optional: false }) }));
  const email = String(auth.Username).toLowerCase();
  const person = store.state.persons.find((p) => p.email === email && p.enabled);
  if (!person) throw authFailure('PasswordAuth: No such account');
  if (!passwordMatches(person.passwordHash, String(auth.AuthString))) throw authFailure('PasswordAuth: Password verification failed');
  if (!hasRole(person, method.roles)) throw authFailure(`PasswordAuth: ${missingRole(method, person)}`);
  return { kind: 'person', person };
}

function sessionAuth(store: PlcStore, auth: XmlRpcStruct, method: { name: string; roles: readonly MethodRole[] }, now: number): Caller {
  typeCheck('auth', auth, struct({ AuthMethod: str({ optional: false }), session: str({ optional: false }) }));
  const keyHash = hashSessionKey(String(auth.session));
  const session = store.state.sessions.find((s) => s.keyHash === keyHash);
  if (!session) throw authFailure('SessionAuth: No such session');
  const person = store.state.persons.find((p) => p.person_id === session.person_id && p.enabled);
  const problem = session.expires <= now ? 'Invalid session' : !person ? 'No such account' : undefined;
  if (problem || !person) {
    store.state.sessions = store.state.sessions.filter((s) => s !== session);
    store.markChanged();
    throw authFailure(`SessionAuth: ${problem ?? 'No such account'}`);
  }
  if (!hasRole(person, method.roles)) throw permissionDenied(`SessionAuth: ${missingRole(method, person)}`);
  return { kind: 'person', person, sessionKeyHash: keyHash };
}

function hasRole(person: PersonRow, roles: readonly MethodRole[]): boolean {
  return person.roles.some((r) => roles.includes(r));
}

function missingRole(method: { name: string; roles: readonly MethodRole[] }, person: PersonRow): string {
  return `missing role, method ${method.name} has roles [${method.roles.join(',')}] -- caller ${person.email} has roles [${person.roles.join(',')}]`;
}

/** callerLabel is the fault prefix's caller: `person_id N`, or empty. */
export function callerLabel(caller: Caller | undefined): string {
  return caller?.kind === 'person' ? `person_id ${caller.person.person_id}` : '';
}

/** isAdmin: the caller is a person with the admin role. */
export function isAdmin(caller: Caller): boolean {
  return caller.kind === 'person' && caller.person.roles.includes('admin');
}

/** personOf returns the calling person; methods without anonymous in their roles always have one. */
export function personOf(caller: Caller): PersonRow {
  if (caller.kind !== 'person') throw new Error('method needs a person caller');
  return caller.person;
}
