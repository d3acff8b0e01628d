/**
 * The in-process ssh stand-in (what `url: embedded` uses instead of sshd), the knobs through it,
 * the shared virtual clock, and persistence across a restart.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeResponse, encodeCall } from '../../../src/xmlrpc/codec.js';
import { SimKnobs } from '../../../src/xmlrpc/sim/knobs.js';
import { seedSshKey } from '../../../src/backends/planetlab/sim/index.js';
import { FrozenClock, PI, addSlice, startTestPlanetLab, type TestPlanetLab } from './helpers.js';

const CTL = 'princeton_ctl';

const sims: TestPlanetLab[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.close()));
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function withController(pl: TestPlanetLab): Promise<TestPlanetLab> {
  await addSlice(pl, CTL, { instantiation: 'nm-controller' });
  await pl.plc('AddPersonToSlice', PI, 'pi@princeton.test', CTL);
  await addSlice(pl, 'princeton_x', { instantiation: 'delegated' });
  await pl.plc('AddSliceTag', PI, 'princeton_x', 'delegations', CTL);
  return pl;
}

describe('ssh stand-in', () => {
  it('refuses as sshd would: unknown host, no controller account yet, a key the account does not hold', async () => {
    const pl = await startTestPlanetLab();
    sims.push(await withController(pl));
    const input = Buffer.from(encodeCall('GetXIDs', []));
    expect(await pl.ssh({ login: CTL, hostname: 'nowhere.test', input })).toMatchObject({ exitCode: 255, stderr: 'ssh: Could not resolve hostname nowhere.test: Name or service not known\r\n' });
    expect(await pl.ssh({ login: CTL, hostname: 'node1.princeton.test', input })).toMatchObject({ exitCode: 255, stderr: `${CTL}@node1.princeton.test: Permission denied (publickey).\r\n` });
    pl.advance(900);
    expect((await pl.ssh({ login: CTL, hostname: 'node1.princeton.test', input, publicKey: seedSshKey('user@princeton.test') })).exitCode).toBe(255);
    expect((await pl.ssh({ login: 'princeton_x', hostname: 'node1.princeton.test', input })).exitCode).toBe(255);
  });

  it('carries one call per session as the controller: Ticket, then Stop', async () => {
    const pl = await startTestPlanetLab();
    sims.push(await withController(pl));
    await pl.plc('converge.sim.planetlab.pollAll');
    const ticket = await pl.plc('GetSliceTicket', PI, 'princeton_x');
    const redeemed = await pl.ssh({ login: CTL, hostname: 'node2.upmc.test', input: Buffer.from(encodeCall('Ticket', [ticket])), publicKey: seedSshKey('pi@princeton.test') });
    expect(redeemed.exitCode).toBe(0);
    expect(await decodeResponse(redeemed.stdout)).toEqual({ ok: true, value: 1 });
    const stopped = await pl.ssh({ login: CTL, hostname: 'node2.upmc.test', input: Buffer.from(encodeCall('Stop', ['princeton_x'])) });
    expect(await decodeResponse(stopped.stdout)).toEqual({ ok: true, value: 1 });
    expect(pl.sim.node('node2.upmc.test')!.knobs.log.since().map((e) => [e.method, e.outcome])).toEqual([
      ['Ticket', 'ok'],
      ['Stop', 'ok'],
    ]);
  });

  it('passes injected faults through as ssh would: a dropped connection is empty output with status 0', async () => {
    const pl = await startTestPlanetLab();
    sims.push(await withController(pl));
    await pl.plc('converge.sim.planetlab.pollAll');
    await pl.nm(0, undefined, 'converge.sim.injectFault', { method: 'Create', mode: 'drop' });
    const dropped = await pl.ssh({ login: CTL, hostname: 'node1.princeton.test', input: Buffer.from(encodeCall('Create', ['princeton_x'])) });
    expect(dropped).toMatchObject({ exitCode: 0, stderr: '' });
    expect(dropped.stdout).toHaveLength(0);
    await pl.nm(0, undefined, 'converge.sim.injectFault', { method: 'Create', mode: 'fault', faultCode: 1, faultString: 'injected' });
    const faulted = await pl.ssh({ login: CTL, hostname: 'node1.princeton.test', input: Buffer.from(encodeCall('Create', ['princeton_x'])) });
    expect(await decodeResponse(faulted.stdout)).toEqual({ ok: false, faultCode: 1, faultString: 'injected' });
  });
});

describe('clock and persistence', () => {
  it('shares one virtual clock between PLC and the nodes', async () => {
    const pl = await startTestPlanetLab();
    sims.push(pl);
    const before = Number(await pl.plc('converge.sim.now'));
    await pl.nm(2, undefined, 'converge.sim.advanceClock', 3600);
    expect(Number(await pl.plc('converge.sim.now'))).toBe(before + 3600);
  });

  it('keeps PLC, the nodes\' records and accounts, and virtual time across a restart; never a password or session key', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'planetlab-sim-'));
    dirs.push(dir);
    const persistPath = join(dir, 'planetlab.json');
    const first = await startTestPlanetLab({ persistPath });
    await withController(first);
    const session = String(await first.plc('GetSession', PI));
    await first.plc('converge.sim.planetlab.pollAll');
    await first.nm(0, CTL, 'Create', 'princeton_x');
    first.advance(3600);
    await first.plc('AuthCheck', PI);
    await first.close();

    const saved = await readFile(persistPath, 'utf8');
    expect(saved).not.toContain('pi-password');
    expect(saved).not.toContain(session);

    const clock = new FrozenClock();
    const second = await startTestPlanetLab({ persistPath, knobs: new SimKnobs({ clock }) });
    sims.push(second);
    expect(clock.offsetMs).toBe(3600 * 1000);
    expect((await second.slice('princeton_x'))?.instantiation).toBe('delegated');
    expect(await second.plc('AuthCheck', { AuthMethod: 'session', session })).toBe(1);
    expect(await second.nm(0, undefined, 'GetXIDs')).toEqual({ princeton_x: 1002 });
    expect(await second.nm(0, CTL, 'Stop', 'princeton_x')).toBe(1);
  });
});
