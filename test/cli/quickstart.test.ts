/**
 * The quick start as a new user runs it, on a copy of the example manifests: converge, converge
 * again (no mutating call), scale a deploy count up and down, and see each change in `plan`.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { copyExamples, editFile, jsonLines, reportOf, runCli } from '../helpers/cli.js';
import { embeddedImState, liveInfrastructures, vmCount } from '../helpers/im-sim-state.js';
import { embeddedXenState, guestVms, markedKeys } from '../helpers/xen-sim-state.js';
import { embeddedPlanetLab, markedKeys as markedSlices } from '../helpers/planetlab.js';

/** feddSegments reads the embedded fedd simulator's saved state: testbed → allocation statuses. */
function feddSegments(dir: string): Record<string, string[]> {
  const saved = JSON.parse(readFileSync(join(dir, '.converge', 'sim', 'deter-local.fedd.json'), 'utf8')) as { testbeds: Array<{ name: string; allocations: Array<{ status: string }> }> };
  return Object.fromEntries(saved.testbeds.map((t) => [t.name, t.allocations.map((a) => a.status)]));
}

describe('quick start on the embedded IM simulator', () => {
  it('creates the examples, is idempotent, and scales deploy counts exactly', async () => {
    const dir = await copyExamples();

    const first = await runCli(['reconcile', dir]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/Converged: (\d+) of \1 object\(s\)/);
    let dump = embeddedImState(dir);
    expect(liveInfrastructures(dump).map((i) => i.key).sort()).toEqual(['Infrastructure/data', 'Infrastructure/web']);
    expect([vmCount(dump, 'Infrastructure/web', 'front'), vmCount(dump, 'Infrastructure/web', 'worker'), vmCount(dump, 'Infrastructure/data', 'db')]).toEqual([1, 2, 1]);
    const xen = embeddedXenState(dir);
    expect(markedKeys(xen)).toEqual(['Infrastructure/lab/network/backend', 'Infrastructure/lab/vm/gateway-0', 'Infrastructure/lab/vm/node-0', 'Infrastructure/lab/vm/node-1']);
    expect(guestVms(xen).map((vm) => [vm.name_label, vm.power_state]).sort()).toEqual([['lab-gateway-0', 'Running'], ['lab-node-0', 'Running'], ['lab-node-1', 'Running']]);
    const planetlab = await embeddedPlanetLab(dir, 'plc-local');
    expect(markedSlices({ slices: planetlab.plc.slices, sliceTags: [], nodes: [], persons: [] }, planetlab.clockMs)).toEqual(['Slice/controller', 'Slice/experiment', 'Slice/measure']);
    const slivers = planetlab.nodes.flatMap((n) => n.accounts.filter((a) => a.name === 'princeton_exp').map((a) => [n.hostname, a.kind, a.running]));
    expect(slivers.sort()).toEqual([['node1.princeton.test', 'sliver', true], ['node3.princeton.test', 'sliver', true]]);
    expect(feddSegments(dir)).toEqual({ deter: ['active'], emulab: ['active'] });

    const again = await runCli(['reconcile', dir, '--json']);
    expect(again.code).toBe(0);
    expect(reportOf(again.stdout).mutatingCalls).toBe(0);
    // Reads only (IM's ExportInfrastructure is read with delete = false: observe's export read).
    expect(Object.keys(reportOf(again.stdout).calls).every((m) => /^(Get|get_|VM\.get|.*get_all|session\.|InfoSegment$|system\.multicall$|ExportInfrastructure$)/.test(m))).toBe(true);

    const noChanges = await runCli(['plan', dir]);
    expect(noChanges.code).toBe(0);
    expect(noChanges.stdout).toContain('No changes.');

    await editFile(join(dir, 'web.yaml'), 'worker: 2', 'worker: 4');
    const plan = await runCli(['plan', dir]);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain('~ Infrastructure/web');
    expect(plan.stdout).toContain('deploy.worker: 2 → 4');
    const planJson = await runCli(['plan', dir, '--json']);
    expect(planJson.code).toBe(2);
    const doc = jsonLines(planJson.stdout)[0] as { actions: Array<{ key: string; action: string; changes: unknown[] }> };
    expect(doc.actions.find((a) => a.key === 'Infrastructure/web')).toMatchObject({ action: 'update', changes: [{ path: 'deploy.worker', before: 2, after: 4 }] });

    const up = await runCli(['reconcile', dir, '--json']);
    expect(up.code).toBe(0);
    expect(reportOf(up.stdout).calls).toMatchObject({ AddResource: 1 });
    dump = embeddedImState(dir);
    expect(vmCount(dump, 'Infrastructure/web', 'worker')).toBe(4);
    const workerIds = liveInfrastructures(dump).find((i) => i.key === 'Infrastructure/web')!.vms.filter((v) => v.system === 'worker').map((v) => v.id);

    await editFile(join(dir, 'web.yaml'), 'worker: 4', 'worker: 1');
    const down = await runCli(['reconcile', dir, '--json']);
    expect(down.code).toBe(0);
    expect(reportOf(down.stdout).calls).toMatchObject({ RemoveResource: 1 });
    dump = embeddedImState(dir);
    const left = liveInfrastructures(dump).find((i) => i.key === 'Infrastructure/web')!.vms.filter((v) => v.system === 'worker').map((v) => v.id);
    expect(left).toEqual([Math.min(...workerIds)]);
    expect(vmCount(dump, 'Infrastructure/web', 'front')).toBe(1);

    const status = await runCli(['status', dir, '--json']);
    expect(status.code).toBe(0);
    const objects = (jsonLines(status.stdout)[0] as { objects: Array<{ key: string; live: string }> }).objects;
    expect(objects.filter((o) => o.key.startsWith('Infrastructure/data') || o.key === 'Infrastructure/web').map((o) => [o.key, o.live])).toEqual([
      ['Infrastructure/data', 'ready'],
      ['Infrastructure/web', 'ready'],
    ]);
    expect(objects.find((o) => o.key === 'VesselSet/measurement')?.live).toBe('ready');

    // Tearing the examples down: Delete-policy objects go, the Orphan-policy data infrastructure
    // and the pool network the lab only used are let go once (not again pass after pass), live.
    const destroy = await runCli(['destroy', dir, '--auto-approve', '--json']);
    expect(destroy.code, destroy.stdout.slice(-1500)).toBe(0);
    const outcomes = reportOf(destroy.stdout).objects as Array<{ key: string; result: string }>;
    const results = Object.fromEntries(outcomes.map((o) => [o.key, o.result]));
    expect(results).toMatchObject({ 'Infrastructure/web': 'deleted', 'Infrastructure/data': 'released', 'Infrastructure/lab/network/uplink': 'released', 'Infrastructure/lab/vm/node-0': 'deleted' });
    expect(liveInfrastructures(embeddedImState(dir)).map((i) => i.key)).toEqual(['Infrastructure/data']);
    expect(markedKeys(embeddedXenState(dir, 'xen-local'))).toEqual([]);

    // Reconciled again, the data infrastructure (still marked as converge's) is managed again,
    // and a second destroy lets it go again instead of skipping it.
    expect((await runCli(['reconcile', dir, '--json'])).code).toBe(0);
    expect(liveInfrastructures(embeddedImState(dir)).filter((i) => i.key === 'Infrastructure/data')).toHaveLength(1);
    const redestroy = await runCli(['destroy', dir, '--auto-approve', '--json']);
    expect(redestroy.code, redestroy.stdout.slice(-1500)).toBe(0);
    const second = reportOf(redestroy.stdout).objects as Array<{ key: string; result: string }>;
    expect(second.find((o) => o.key === 'Infrastructure/data')?.result).toBe('released');
  });
});
