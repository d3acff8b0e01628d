/**
 * Slice tickets (planetlab.md §B5, §C): GetSliceTicket's opaque signed blob, sent as Binary; its
 * redemption by any node's Ticket (before any poll), and the failures: tampered, foreign, stale,
 * not delegated.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { PlanetLabSimulatorOptions } from '../../../src/backends/planetlab/sim/index.js';
import { PI, addSlice, startTestPlanetLab, type TestPlanetLab } from './helpers.js';

const CTL = 'princeton_ctl';

const sims: TestPlanetLab[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.close()));
});
async function start(options: PlanetLabSimulatorOptions = {}): Promise<TestPlanetLab> {
  const pl = await startTestPlanetLab(options);
  sims.push(pl);
  await addSlice(pl, CTL, { instantiation: 'nm-controller' });
  await addSlice(pl, 'princeton_x', { instantiation: 'delegated' });
  await pl.plc('AddSliceTag', PI, 'princeton_x', 'delegations', CTL);
  return pl;
}

function ticketError(text: string): { code: number; text: string } {
  const quoted = text.includes("'") ? `"Ticket error: ${text}"` : `'Ticket error: ${text}'`;
  return { code: 104, text: `Error in call: <Fault 102: ${quoted}>` };
}

describe('GetSliceTicket', () => {
  it('returns an armored blob as an XML-RPC Binary, or as a string when asked to behave like a Python 2 PLC', async () => {
    const pl = await start();
    const ticket = await pl.plc('GetSliceTicket', PI, 'princeton_x');
    expect(Buffer.isBuffer(ticket)).toBe(true);
    expect((ticket as Buffer).toString()).toMatch(/^-----BEGIN PGP MESSAGE-----\n[\s\S]+\n-----END PGP MESSAGE-----\n$/);
    const py2 = await start({ ticketEncoding: 'string' });
    expect(typeof (await py2.plc('GetSliceTicket', PI, 'princeton_x'))).toBe('string');
    expect(await pl.plcFault('GetSliceTicket', PI, 'princeton_none')).toEqual({ code: 102, text: 'person_id 3: GetSliceTicket: Invalid argument: No such slice' });
  });
});

describe('Ticket', () => {
  it('is open to any caller and creates and starts the delegated sliver before the node has polled', async () => {
    const pl = await start();
    const ticket = await pl.plc('GetSliceTicket', PI, 'princeton_x');
    expect(await pl.nmFault(1, CTL, 'Start', 'princeton_x')).toEqual({ code: 102, text: 'Invalid argument: the first argument must be a sliver name.' });
    expect(await pl.nm(1, CTL, 'Ticket', ticket)).toBe(1);
    expect(await pl.nm(1, undefined, 'GetXIDs')).toEqual({ princeton_x: 1001 });
    expect(await pl.nm(1, CTL, 'Stop', 'princeton_x')).toBe(1);
    const string = await (await start({ ticketEncoding: 'string' })).plc('GetSliceTicket', PI, 'princeton_x');
    expect(await sims.at(-1)!.nm(0, CTL, 'Ticket', string)).toBe(1);
  });

  it('rejects a tampered ticket, a ticket of another PlanetLab, and a non-ticket, wrapped in 104 as §C shows', async () => {
    const pl = await start();
    const ticket = (await pl.plc('GetSliceTicket', PI, 'princeton_x')) as Buffer;
    const text = ticket.toString();
    const body = text.indexOf('\n\n') + 2;
    const tampered = `${text.slice(0, body)}${text[body] === 'P' ? 'Q' : 'P'}${text.slice(body + 1)}`;
    expect(await pl.nmFault(0, CTL, 'Ticket', Buffer.from(tampered))).toEqual(ticketError("'NoneType' object is not subscriptable"));
    const other = await startTestPlanetLab({ ticketKey: Buffer.alloc(32, 9) });
    sims.push(other);
    expect(await other.nmFault(0, CTL, 'Ticket', ticket)).toEqual(ticketError("'NoneType' object is not subscriptable"));
    expect(await pl.nmFault(0, CTL, 'Ticket', 42)).toEqual(ticketError("a bytes-like object is required, not 'int'"));
  });

  it('refuses to create a slice PLC instantiates (after delivering its record)', async () => {
    const pl = await start();
    await addSlice(pl, 'princeton_p');
    const ticket = await pl.plc('GetSliceTicket', PI, 'princeton_p');
    expect(await pl.nmFault(0, CTL, 'Ticket', ticket)).toEqual(ticketError('Only PLC can create non delegated slivers.'));
  });

  it('is stale once the node has polled after it was issued: the record is not updated, and a deleted slice cannot come back', async () => {
    const pl = await start();
    const ticket = await pl.plc('GetSliceTicket', PI, 'princeton_x');
    pl.advance(1);
    await pl.plc('DeleteSlice', PI, 'princeton_x');
    await pl.plc('converge.sim.planetlab.pollAll');
    expect(await pl.nmFault(0, CTL, 'Ticket', ticket)).toEqual(ticketError("'NoneType' object is not subscriptable"));
    expect(await pl.nm(0, undefined, 'GetXIDs')).toEqual({});
  });

  it('AdminTicket is for the SFA account only: anyone else has it read as a target name', async () => {
    const pl = await start();
    expect(await pl.nmFault(0, CTL, 'AdminTicket', '<methodResponse/>')).toEqual({ code: 102, text: 'Invalid argument: the first argument must be a sliver name.' });
  });
});
