/**
 * Point 3 of issue 12: how to reach what converge made. After one reconcile of the example
 * manifests on the embedded simulators, `status -o wide`, `status --json` and `output` show,
 * for every example object that has one, the address each simulator reports — compared with the
 * simulators' own saved state: IM's Dummy connector IP per VM, XenAPI guest metrics per VIF,
 * Seattle node_ip:port per vessel held, PlanetLab slice nodes, fedd computers' localnames.
 * Networks and the node-less controller slice have no address.
 * Then, on the same converged copy: a removed manifest is named in the plan summary, and
 * `plan --detailed-exitcode` exits 2 for it where plain `plan` exits 0.
 */
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { copyExamples, jsonLines, runCli } from '../helpers/cli.js';
import { embeddedXenState, rows } from '../helpers/xen-sim-state.js';

interface Access {
  addresses?: Array<{ of: string; ip: string }>;
  endpoints?: Array<{ of: string; host: string; port: number }>;
  nodes?: Array<{ of: string; hostname: string }>;
}

let dir: string;
let statusJson: { objects: Array<{ key: string; access?: Access }> };

function simFile<T>(name: string): T {
  return JSON.parse(readFileSync(join(dir, '.converge', 'sim', name), 'utf8')) as T;
}

/** flat lists every address of an object as text. */
function flat(access: Access | undefined): string[] {
  return [
    ...(access?.addresses ?? []).map((a) => a.ip),
    ...(access?.endpoints ?? []).map((e) => `${e.host}:${e.port}`),
    ...(access?.nodes ?? []).map((n) => n.hostname),
  ];
}

function accessOf(key: string): Access | undefined {
  return statusJson.objects.find((o) => o.key === key)?.access;
}

beforeAll(async () => {
  dir = await copyExamples();
  const first = await runCli(['reconcile', dir, '--json']);
  expect(first.code).toBe(0);
  const status = await runCli(['status', dir, '--json']);
  expect(status.code).toBe(0);
  statusJson = jsonLines(status.stdout)[0] as never;
}, 60_000);

describe('addresses of the example objects', () => {
  it('status --json carries each simulator\'s addresses', () => {
    expect(accessOf('Infrastructure/web')?.addresses?.map((a) => a.ip)).toEqual(['10.0.0.1', '10.0.0.1', '10.0.0.1']); // IM Dummy: always 10.0.0.1
    expect(accessOf('Infrastructure/data')?.addresses?.map((a) => a.of)).toEqual(['vm 0 (db)']);

    const xen = embeddedXenState(dir);
    const metrics = Object.fromEntries(rows(xen, 'VM_guest_metrics').map((m) => [m.ref, m.networks as Record<string, string>]));
    for (const name of ['gateway-0', 'node-0', 'node-1']) {
      const vm = rows(xen, 'VM').find((v) => v.name_label === `lab-${name}`)!;
      const networks = metrics[String(vm.guest_metrics)]!;
      const expected = Object.entries(networks).filter(([k]) => /^\d+\/ip$/.test(k)).map(([, ip]) => ip);
      expect(expected.length).toBeGreaterThan(0);
      expect(flat(accessOf(`Infrastructure/lab/vm/${name}`)).sort()).toEqual(expected.sort());
    }

    const seattle = simFile<{ nodes: Array<{ ip: string; port: number; owner: string | null }> }>('seattle-local.seattle.json');
    const held = seattle.nodes.filter((n) => n.owner !== null).map((n) => `${n.ip}:${n.port}`);
    expect(held).toHaveLength(5);
    expect(flat(accessOf('VesselSet/measurement')).sort()).toEqual(held.sort());

    expect(flat(accessOf('Slice/measure'))).toEqual(['node1.princeton.test', 'node2.upmc.test']);
    expect(flat(accessOf('Slice/experiment/sliver/node3.princeton.test'))).toEqual(['node3.princeton.test']);

    const fedd = simFile<{ testbeds: Array<{ allocations: Array<{ segment: { nodes: Array<{ localname: string }> } }> }> }>('deter-local.fedd.json');
    const localnames = fedd.testbeds.flatMap((t) => t.allocations.flatMap((a) => a.segment.nodes.map((n) => n.localname)));
    expect(flat(accessOf('Infrastructure/federated')).sort()).toEqual(localnames.sort());
  });

  it('status -o wide has an addresses column filled for every object but networks and the controller slice', async () => {
    const wide = await runCli(['status', dir, '-o', 'wide']);
    expect(wide.code).toBe(0);
    const lines = wide.stdout.split('\n');
    const header = lines.find((l) => l.startsWith('STATUS'))!;
    expect(header).toMatch(/OBJECT\s+BACKEND\s+IDS\s+ADDRESSES$/);
    const column = header.indexOf('ADDRESSES');
    const table = lines.slice(lines.indexOf(header) + 1).filter((l) => l.trim() !== '');
    expect(table).toHaveLength(statusJson.objects.length);
    for (const line of table) {
      const key = line.split(/\s+/)[1]!;
      const cell = line.slice(column).trim();
      if (key.includes('/network/') || key === 'Slice/controller') expect(cell).toBe('-');
      else expect(cell.split(',').sort()).toEqual([...new Set(flat(accessOf(key)))].sort());
    }
  });

  it('output lists every object\'s access facts, or one object\'s by key', async () => {
    const all = await runCli(['output', dir, '--json']);
    expect(all.code).toBe(0);
    const doc = jsonLines(all.stdout)[0] as { apiVersion: string; kind: string; objects: Array<{ key: string; access: Access }> };
    expect(doc).toMatchObject({ apiVersion: 'converge.output/v1', kind: 'Output' });
    expect(doc.objects.map((o) => o.key)).toEqual(statusJson.objects.map((o) => o.key));

    const one = await runCli(['output', dir, 'Infrastructure/web']);
    expect(one.code).toBe(0);
    expect(one.stdout.split('\n').filter(Boolean)).toEqual([
      'Infrastructure/web (ready)',
      '  vm 0 (front)   10.0.0.1  front',
      '  vm 1 (worker)  10.0.0.1  vnode-1',
      '  vm 2 (worker)  10.0.0.1  vnode-2',
    ]);
  });
});

describe('objects whose manifest is gone (runs last: it removes a manifest)', () => {
  it('are listed in the plan summary; --detailed-exitcode exits 2 for them', async () => {
    await rm(join(dir, 'data.yaml'));
    const plan = await runCli(['plan', dir]);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('No changes to apply.');
    expect(plan.stdout).toContain('1 no longer in the manifests: left alone; --prune deletes them');
    expect(plan.stdout).toMatch(/\? Infrastructure\/data \(im-local\) infId=/);
    expect(plan.stdout).not.toContain('matches the manifests');

    const detailed = await runCli(['plan', dir, '--detailed-exitcode', '--json']);
    expect(detailed.code).toBe(2);
    const doc = jsonLines(detailed.stdout).find((l) => l.kind === 'Plan') as { leftAlone: Array<{ key: string }>; summary: Record<string, number> };
    expect(doc.leftAlone.map((o) => o.key)).toEqual(['Infrastructure/data']);
    expect(Object.values(doc.summary).reduce((a, b) => a + b, 0) - doc.summary.noop!).toBe(0);
  });
});
