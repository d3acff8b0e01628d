/**
 * GetSliceTicket (§B5, §C) and AddPersonKey.
 *
 * GetSliceTicket returns the signed ticket of any live slice (the membership check its docstring
 * promises is not in PLC's code). A Python 3 PLC sends it as an XML-RPC Binary (`<base64>`),
 * which is the default here; `ticketEncoding: 'string'` sends `<string>` as a Python 2 PLC did.
 *
 * AddPersonKey adds an ssh key to a person: non-admins only to themselves.
 */
import { ticketPayload } from '../model/slivers.js';
import { AUTH_PARAM, isAdmin, personOf } from './auth.js';
import { NO_SUCH_SLICE, invalidArgument, permissionDenied } from './faults.js';
import type { PlcMethod } from './method.js';
import { int, mixed, str, struct } from './param-check.js';
import { liveSliceOr102 } from './slice-access.js';

export const getSliceTicket: PlcMethod = {
  name: 'GetSliceTicket',
  roles: ['admin', 'pi', 'user', 'peer'],
  accepts: [
    { name: 'auth', spec: AUTH_PARAM },
    { name: 'slice_id_or_name', spec: mixed(int(), str({ max: 64 })) },
  ],
  minArgs: 2,
  returns: 'string',
  doc: 'Returns a ticket for the slice, signed by PLC, that a Node Manager redeems with its Ticket call.',
  run(ctx, [, idOrName]) {
    const slice = liveSliceOr102(ctx, idOrName, NO_SUCH_SLICE);
    const ticket = ctx.config.signTicket(ticketPayload(ctx.store, slice, ctx.now));
    return ctx.config.ticketEncoding === 'base64' ? Buffer.from(ticket, 'utf8') : ticket;
  },
};

const SSH_KEY = /^(ssh-rsa|ssh-dss|ssh-ed25519|ecdsa-sha2-nistp(256|384|521)) [A-Za-z0-9+/]+=*( .*)?$/;

export const addPersonKey: PlcMethod = {
  name: 'AddPersonKey',
  roles: ['admin', 'pi', 'tech', 'user'],
  accepts: [
    { name: 'auth', spec: AUTH_PARAM },
    { name: 'person_id_or_email', spec: mixed(int(), str({ max: 254 })) },
    { name: 'key_fields', spec: struct({ key_type: str({ optional: false }), key: str({ optional: false, max: 4096 }) }) },
  ],
  minArgs: 3,
  returns: 'int',
  doc: 'Adds a key to an account (non-admins: to their own). Returns the new key_id.',
  run(ctx, [, personIdOrEmail, fields]) {
    const person = ctx.store.person(personIdOrEmail as number | string);
    if (!person) throw invalidArgument('No such account');
    if (!isAdmin(ctx.caller) && personOf(ctx.caller).person_id !== person.person_id) throw permissionDenied('You may only modify your own keys');
    const { key_type: keyType, key } = fields as { key_type: string; key: string };
    if (keyType !== 'ssh') throw invalidArgument('Invalid key type');
    if (!SSH_KEY.test(key.trim())) throw invalidArgument('Invalid SSH version 2 public key');
    const keyId = ctx.store.nextKeyId();
    ctx.store.state.keys.push({ key_id: keyId, person_id: person.person_id, key_type: keyType, key: key.trim() });
    ctx.store.markChanged();
    return keyId;
  },
};
