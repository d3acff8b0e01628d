/**
 * The PlanetLab driver through the real engine against the PLC simulator over a socket, on the
 * simulator's clock: leases (exactly the due slices renewed, to the clamped date; an expired slice
 * re-created with its nodes, people and tags and a warning), out-of-band edits repaired in one
 * pass, slices that are not ours never adopted, a lost AddSlice reply found by its marker, the
 * session renewed after it expires, and a no-op pass costing one PLC round trip.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SimClock } from '../../src/xmlrpc/sim/clock.js';
import { SimKnobs } from '../../src/xmlrpc/sim/knobs.js';
import { XmlRpcClient } from '../../src/xmlrpc/client.js';
import type { XmlRpcValue } from '../../src/xmlrpc/value.js';
import { startPlanetLabSimulator, type RunningPlanetLabSimulator } from '../../src/backends/planetlab/sim/index.js';
import { openWorkspace } from '../../src/workspace/open-workspace.js';
import { backendYaml, DAY_MS, liveSlices, markedKeys, plcDump, runEngine, sliceYaml, writeManifests } from '../helpers/planetlab.js';

const ADMIN = { AuthMethod: 'password', Username: 'admin@plc.test', AuthString: 'admin-password' };
const PI = { AuthMethod: 'password', Username: 'pi@princeton.test', AuthString: 'pi-password' };
const CAP_MS = 56 * DAY_MS - 60_000;

describe('planetlab driver', () => {
  let server: RunningPlanetLabSimulator;
  let clock: SimClock;
  let admin: XmlRpcClient;
  const plc = (method: string, ...params: XmlRpcValue[]) => admin.call(method, [ADMIN, ...params]);
  const now = () => clock.now();

  beforeEach(async () => {
    clock = new SimClock();
    server = await startPlanetLabSimulator({ knobs: new SimKnobs({ clock }) });
    admin = new XmlRpcClient({ url: server.url });
  });
  afterEach(async () => {
    admin.close();
    await server.close();
  });

  it('renews exactly the slices inside their renewal margin, to the clamped or asked date', async () => {
    const dir = await writeManifests({
      'backend.yaml': backendYaml(server.url),
      'slices.yaml': [
        sliceYaml('due', 'princeton_due', { renewal: '{renewBefore: 7d}' }),
        sliceYaml('short', 'princeton_short', { renewal: '{renewBefore: 7d, extendTo: 30d}' }),
        sliceYaml('later', 'princeton_later', { renewal: '{renewBefore: 3d}' }),
        sliceYaml('off', 'princeton_off', { renewal: '{enabled: false}', url: null, description: null }),
      ].join('---\n'),
    });
    expect((await runEngine(dir, { clock })).outcome).toBe('converged');
    const created = new Map(liveSlices(await plcDump(server.url), now()).map((s) => [s.name, s.expires]));
    clock.advance(8 * DAY_MS); // 6 days left: inside 7d, outside 3d
    const renewedAt = now();
    const report = await runEngine(dir, { clock });
    expect(report.outcome).toBe('converged');
    expect(report.calls.UpdateSlice).toBe(2);
    const after = new Map(liveSlices(await plcDump(server.url), now()).map((s) => [s.name, s.expires]));
    expect(after.get('princeton_due')! * 1000).toBeGreaterThanOrEqual(renewedAt + CAP_MS - 1000);
    expect(after.get('princeton_due')! * 1000).toBeLessThanOrEqual(now() + CAP_MS);
    expect(Math.abs(after.get('princeton_short')! * 1000 - (renewedAt + 30 * DAY_MS))).toBeLessThan(5000);
    expect(after.get('princeton_later')).toBe(created.get('princeton_later'));
    expect(after.get('princeton_off')).toBe(created.get('princeton_off'));
    expect((await runEngine(dir, { clock })).mutatingCalls).toBe(0);
  });

  it('re-creates an expired slice with its nodes, people and tags, with a warning', async () => {
    const dir = await writeManifests({
      'backend.yaml': backendYaml(server.url),
      'slices.yaml': sliceYaml('gone', 'princeton_gone', { nodes: ['node1.princeton.test', 'node2.upmc.test'], persons: ['user@princeton.test'], tags: '{vref: f33, vsys: [fd_tuntap, vif_up]}' }),
    });
    await runEngine(dir, { clock });
    const [before] = liveSlices(await plcDump(server.url), now());
    clock.advance(15 * DAY_MS);
    const report = await runEngine(dir, { clock });
    expect(report.outcome).toBe('converged');
    expect(report.events).toContainEqual(expect.objectContaining({ type: 'warning', key: 'Slice/gone', code: 'SLICE_EXPIRED' }));
    const rows = await plcDump(server.url);
    const [slice] = liveSlices(rows, now());
    expect(slice!.slice_id).not.toBe(before!.slice_id);
    expect(slice!.node_ids.map((id) => rows.nodes.find((n) => n.node_id === id)!.hostname).sort()).toEqual(['node1.princeton.test', 'node2.upmc.test']);
    expect(slice!.person_ids.map((id) => rows.persons.find((p) => p.person_id === id)!.email)).toEqual(['user@princeton.test']);
    const tags = rows.sliceTags.filter((t) => t.slice_id === slice!.slice_id && t.tagname !== 'hrn').map((t) => `${t.tagname}=${t.value}`).sort();
    expect(tags).toEqual(['vref=f33', 'vsys=fd_tuntap', 'vsys=vif_up']);
  });

  it('repairs out-of-band edits at PLC (a node removed, a person added, a tag changed) in one pass', async () => {
    const dir = await writeManifests({
      'backend.yaml': backendYaml(server.url),
      'slices.yaml': sliceYaml('edited', 'princeton_edited', { nodes: ['node1.princeton.test', 'node3.princeton.test'], persons: ['pi@princeton.test'], tags: '{vref: f33}' }),
    });
    await runEngine(dir, { clock });
    const vref = (await plcDump(server.url)).sliceTags.find((t) => t.tagname === 'vref')!;
    await plc('DeleteSliceFromNodes', 'princeton_edited', ['node3.princeton.test']);
    await plc('AddPersonToSlice', 'user@princeton.test', 'princeton_edited');
    await plc('UpdateSliceTag', vref.slice_tag_id, 'f12');
    const report = await runEngine(dir, { clock });
    expect(report.outcome).toBe('converged');
    expect(report.calls).toMatchObject({ AddSliceToNodes: 1, DeletePersonFromSlice: 1, UpdateSliceTag: 1 });
    expect(report.mutatingCalls).toBe(3);
    const rows = await plcDump(server.url);
    const [slice] = liveSlices(rows, now());
    expect(slice!.node_ids.sort()).toEqual([1, 3]);
    expect(slice!.person_ids).toEqual([3]);
    expect(rows.sliceTags.find((t) => t.tagname === 'vref')!.value).toBe('f33');
  });

  it('never adopts a slice of the same name that is not its own, and makes no call for it', async () => {
    await admin.call('AddSlice', [PI, { name: 'princeton_taken', url: 'https://elsewhere.org', description: 'made by hand' }]);
    const dir = await writeManifests({ 'backend.yaml': backendYaml(server.url), 'slices.yaml': [sliceYaml('taken', 'princeton_taken'), sliceYaml('free', 'princeton_free')].join('---\n') });
    const report = await runEngine(dir, { clock, waitMs: 3000 });
    expect(report.outcome).toBe('partial');
    expect(report.objects.find((o) => o.key === 'Slice/taken')).toMatchObject({ result: 'failed', code: 'SLICE_NAME_TAKEN' });
    expect(report.objects.find((o) => o.key === 'Slice/taken')!.reason).toMatch(/not this converge's.*never adopts/);
    expect(report.objects.find((o) => o.key === 'Slice/free')!.result).toBe('converged');
    expect(report.calls.AddSlice).toBe(1);
    const taken = liveSlices(await plcDump(server.url), now()).find((s) => s.name === 'princeton_taken')!;
    expect(taken.description).toBe('made by hand');
  });

  it('finds a slice whose AddSlice reply was lost by its name and marker: no duplicate', async () => {
    server.sim.knobs.faults.add({ method: 'AddSlice', mode: 'lose-reply', times: 1 });
    const dir = await writeManifests({ 'backend.yaml': backendYaml(server.url), 'slices.yaml': sliceYaml('lost', 'princeton_lost', { nodes: ['node1.princeton.test'] }) });
    const report = await runEngine(dir, { clock });
    expect(report.outcome).toBe('converged');
    expect(report.events.some((e) => e.type === 'intent-settled' && e.method === 'AddSlice')).toBe(true);
    expect(markedKeys(await plcDump(server.url), now())).toEqual(['Slice/lost']);
    expect(liveSlices(await plcDump(server.url), now())[0]!.node_ids).toEqual([1]);
  });

  it('renews its PLC session after it expires, and a no-op pass costs one multicall', async () => {
    await admin.call('converge.sim.plc.setSite', ['princeton', { max_slices: 100 }]);
    const slices = Array.from({ length: 30 }, (_, i) => sliceYaml(`s${i}`, `princeton_s${i}`, { nodes: ['node1.princeton.test'], persons: ['pi@princeton.test'], tags: '{vref: f33}' }));
    const dir = await writeManifests({ 'backend.yaml': backendYaml(server.url), 'slices.yaml': slices.join('---\n') });
    expect((await runEngine(dir, { clock })).outcome).toBe('converged');
    const ws = await openWorkspace({ dir, sink: { emit: () => undefined } });
    try {
      const driver = ws.drivers.get('plc')!;
      const state = await ws.store.read();
      const look = () => driver.observe({ signal: new AbortController().signal, owner: state.owner, now: new Date(now()), records: Object.values(state.objects), desired: ws.desired });
      const mark = server.sim.knobs.log.lastSeq;
      expect((await look()).length).toBe(30);
      expect(server.sim.knobs.log.countByMethod(mark)).toEqual({ GetSession: 1, 'system.multicall': 1 });
      clock.advance(25 * 3600_000); // the 24-hour session has expired: PLC answers 103
      const again = server.sim.knobs.log.lastSeq;
      expect((await look()).length).toBe(30);
      expect(server.sim.knobs.log.countByMethod(again)).toEqual({ GetSession: 1, 'system.multicall': 2 });
    } finally {
      await ws.close();
    }
  });
});
