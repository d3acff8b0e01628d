/**
 * The Node Manager's methods (api_calls.py, planetlab.md §B2) with their wire arity. Open methods
 * (Help, Ticket, GetXIDs, GetSSHKeys) get their raw arguments; the others get the target's
 * record (resolved and authorised by the dispatcher) and the remaining arguments. A method
 * returning nothing answers 1.
 */
import { decodeDateTime } from '../../../../xmlrpc/codec.js';
import { decodeMethodResponse } from '../../../../xmlrpc/fast-decoder.js';
import { isStruct, type XmlRpcStruct, type XmlRpcValue } from '../../../../xmlrpc/value.js';
import { pyTypeName } from '../python.js';
import type { NmAccounts } from './accounts.js';
import type { NmDatabase } from './database.js';
import { NmFault, PyError, noneNotSubscriptable } from './faults.js';
import { subscript } from './python-subscript.js';
import { MINIMUM_ALLOCATION, type NmRecord } from './records.js';

/** NmContext is what the methods act on. */
export interface NmContext {
  db: NmDatabase;
  accounts: NmAccounts;
  /** now is the virtual time in epoch seconds. */
  now(): number;
  verifyTicket(ticket: string | Buffer): XmlRpcValue | null;
  /** deliver is slivermanager.GetSlivers: records from a poll (full) or a ticket. */
  deliver(data: XmlRpcValue, fullUpdate: boolean): void;
  /** setLoansMode `as-coded` keeps upstream's NameError on any non-empty loan list. */
  setLoansMode: 'as-coded' | 'fixed';
}

/** NmMethod is one NMAPI method: its exact wire arity, whether it is open, its Help text, its body. */
export interface NmMethod {
  nargs: number;
  /** open methods run for anyone, on their raw arguments. */
  open: boolean;
  doc: string;
  run(ctx: NmContext, args: XmlRpcValue[], rec?: NmRecord): XmlRpcValue | void;
}

const target = (rec: NmRecord | undefined): NmRecord => {
  if (!rec) throw noneNotSubscriptable();
  return rec;
};

function create(ctx: NmContext, rec: NmRecord | undefined): void {
  const record = target(rec);
  if (record.instantiation !== 'delegated') throw new PyError('Only PLC can create non delegated slivers.');
  ctx.accounts.ensureCreated(record);
}

/** redeem is Ticket/AdminTicket after reading the data: deliver it, then Create the named sliver. */
function redeem(ctx: NmContext, data: XmlRpcValue | null): void {
  try {
    const name = subscript(subscript(subscript(data ?? null, 'slivers'), 0), 'name');
    if (data !== null) ctx.deliver(data, false);
    create(ctx, typeof name === 'string' ? ctx.db.get(name) : undefined);
  } catch (error) {
    const text = error instanceof PyError || error instanceof NmFault ? error.pyStr : String(error);
    throw new NmFault(102, `Ticket error: ${text}`);
  }
}

function ticketBytes(ticket: XmlRpcValue | undefined): string | Buffer {
  if (typeof ticket === 'string' || Buffer.isBuffer(ticket)) return ticket;
  throw new NmFault(102, `Ticket error: a bytes-like object is required, not '${pyTypeName(ticket)}'`);
}

function validLoans(ctx: NmContext, loans: XmlRpcValue | undefined): boolean {
  if (!Array.isArray(loans)) return false;
  if (ctx.setLoansMode === 'as-coded' && loans.length > 0) throw new PyError("name 'load' is not defined");
  return loans.every(
    (loan) => Array.isArray(loan) && loan.length === 3 && typeof loan[0] === 'string' && typeof loan[1] === 'string' && loan[1] in MINIMUM_ALLOCATION && Number.isInteger(loan[2]) && Number(loan[2]) >= 0,
  );
}

/** NM_METHODS is the whole NMAPI table (§B2); AdminTicket is not open (only the SFA account gets past the target check). */
export const NM_METHODS: Readonly<Record<string, NmMethod>> = {
  Help: { nargs: 0, open: true, doc: 'Get a list of functions currently supported by the Node Manager API', run: () => helpText() },
  Ticket: {
    nargs: 1,
    open: true,
    doc: 'Deliver a slice ticket from PLC (GetSliceTicket) and create the delegated sliver it names.',
    run: (ctx, [ticket]) => redeem(ctx, ctx.verifyTicket(ticketBytes(ticket))),
  },
  AdminTicket: {
    nargs: 1,
    open: false,
    doc: 'Admin interface to create slivers based on an unsigned GetSlivers()-style ticket.',
    run: (ctx, [ticket]) => redeem(ctx, parseUnsigned(ticket)),
  },
  GetXIDs: {
    nargs: 0,
    open: true,
    doc: 'Return a dictionary mapping slice names to XIDs',
    run: (ctx) => Object.fromEntries(ctx.accounts.all().filter((a) => a.kind === 'sliver').map((a) => [a.name, a.xid])),
  },
  GetSSHKeys: {
    nargs: 0,
    open: true,
    doc: 'Return a dictionary mapping slice names to SSH keys',
    run: (ctx) => Object.fromEntries(ctx.db.values().filter((r) => 'keys' in r).map((r) => [r.name, r.keys as XmlRpcValue])),
  },
  Create: { nargs: 1, open: false, doc: 'Create a non-PLC-instantiated sliver', run: (ctx, _args, rec) => create(ctx, rec) },
  Destroy: {
    nargs: 1,
    open: false,
    doc: 'Destroy a non-PLC-instantiated sliver',
    run: (ctx, _args, rec) => {
      if (target(rec).instantiation !== 'delegated') throw new PyError('Only PLC can destroy non delegated slivers.');
      ctx.accounts.ensureDestroyed(target(rec).name);
    },
  },
  Start: { nargs: 1, open: false, doc: 'Configure and start sliver.', run: (ctx, _args, rec) => ctx.accounts.start(target(rec)) },
  Stop: { nargs: 1, open: false, doc: 'Kill all processes belonging to the specified sliver', run: (ctx, _args, rec) => ctx.accounts.stop(target(rec).name) },
  ReCreate: {
    nargs: 1,
    open: false,
    doc: 'Stop, Destroy, Create, Start sliver in order to reinstall it.',
    run: (ctx, _args, rec) => {
      ctx.accounts.stop(target(rec).name);
      ctx.accounts.ensureCreated(target(rec));
      ctx.accounts.start(target(rec));
    },
  },
  GetEffectiveRSpec: { nargs: 1, open: false, doc: 'Return the RSpec allocated to the specified sliver, including loans', run: (_ctx, _args, rec) => ({ ...((target(rec)._rspec as XmlRpcStruct | undefined) ?? {}) }) },
  GetRSpec: { nargs: 1, open: false, doc: 'Return the RSpec allocated to the specified sliver, excluding loans', run: (_ctx, _args, rec) => ({ ...((target(rec).rspec as XmlRpcStruct | undefined) ?? {}) }) },
  GetLoans: { nargs: 1, open: false, doc: 'Return the list of loans made by the specified sliver', run: (_ctx, _args, rec) => [...((target(rec)._loans as XmlRpcValue[] | undefined) ?? [])] },
  SetLoans: {
    nargs: 2,
    open: false,
    doc: 'Overwrite the list of loans made by the specified sliver (loans over capacity are dropped silently).',
    run: (ctx, [, loans], rec) => {
      if (!validLoans(ctx, loans)) throw new NmFault(102, 'Invalid argument: the second argument must be a well-formed loan specification');
      target(rec)._loans = loans as XmlRpcValue[];
      ctx.db.sync(ctx.now(), ctx.accounts);
    },
  },
  GetRecord: { nargs: 0, open: false, doc: 'Return sliver record', run: (_ctx, _args, rec) => target(rec) },
};

/** NM_METHOD_NAMES sorted as Python sorts them (for the 100 fault and Help). */
export const NM_METHOD_NAMES: readonly string[] = Object.keys(NM_METHODS).sort();

function helpText(): string {
  return NM_METHOD_NAMES.map((name) => `**** ${name}\n${(NM_METHODS[name] as NmMethod).doc}\n`).join('');
}

/** parseUnsigned is AdminTicket's `xmlrpc.client.loads(ticket)`: a methodResponse with one value. */
function parseUnsigned(ticket: XmlRpcValue | undefined): XmlRpcValue {
  if (typeof ticket !== 'string') throw new NmFault(102, `Ticket error: a bytes-like object is required, not '${pyTypeName(ticket)}'`);
  try {
    const decoded = decodeMethodResponse(ticket, decodeDateTime);
    if (decoded.fault || !isStruct(decoded.value)) throw new Error('not a struct');
    return decoded.value;
  } catch (error) {
    throw new NmFault(102, `Ticket error: ${(error as Error).message}`);
  }
}
