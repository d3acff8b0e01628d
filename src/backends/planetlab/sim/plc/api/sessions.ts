/**
 * AuthCheck, GetSession and DeleteSession (§A3). A session key is returned once, by GetSession;
 * the store keeps only its hash. With session auth GetSession returns the same key.
 */
import { newSessionKey, hashSessionKey } from '../model/secrets.js';
import { PythonError } from './faults.js';
import type { PlcMethod } from './method.js';
import { AUTH_PARAM } from './auth.js';
import { int } from './param-check.js';

const PERSON_ROLES = ['admin', 'pi', 'user', 'tech', 'node'] as const;

export const authCheck: PlcMethod = {
  name: 'AuthCheck',
  roles: [...PERSON_ROLES, 'peer'],
  accepts: [{ name: 'auth', spec: AUTH_PARAM }],
  minArgs: 1,
  returns: 'int',
  doc: 'Returns 1 if the user or node authenticated successfully, faults otherwise.',
  run: () => 1,
};

export const getSession: PlcMethod = {
  name: 'GetSession',
  roles: PERSON_ROLES,
  accepts: [
    { name: 'auth', spec: AUTH_PARAM },
    { name: 'expires', spec: int({ nullok: true, optional: true }) },
  ],
  minArgs: 1,
  returns: 'string',
  doc: 'Returns a new session key for the caller (valid 24 hours unless `expires` seconds are given); with session auth, the same key.',
  run(ctx, [, expires]) {
    if (ctx.auth.AuthMethod === 'session') return String(ctx.auth.session);
    if (ctx.caller.kind !== 'person') throw new PythonError('AssertionError', '');
    const key = newSessionKey();
    const lifetime = typeof expires === 'number' ? expires : ctx.config.sessionLifetimeSeconds;
    ctx.store.state.sessions.push({ keyHash: hashSessionKey(key), person_id: ctx.caller.person.person_id, expires: ctx.now + lifetime });
    ctx.store.markChanged();
    return key;
  },
};

export const deleteSession: PlcMethod = {
  name: 'DeleteSession',
  roles: PERSON_ROLES,
  accepts: [{ name: 'auth', spec: AUTH_PARAM }],
  minArgs: 1,
  returns: 'int',
  doc: 'Invalidates the session key of the call (session auth only).',
  run(ctx) {
    if (ctx.caller.kind !== 'person' || !ctx.caller.sessionKeyHash) throw new PythonError('AssertionError', '');
    const keyHash = ctx.caller.sessionKeyHash;
    ctx.store.state.sessions = ctx.store.state.sessions.filter((s) => s.keyHash !== keyHash);
    ctx.store.markChanged();
    return 1;
  },
};
