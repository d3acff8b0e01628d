/**
 * `converge import KEY ID` adopts objects created outside converge, on three simulators (separate
 * processes, real sockets): an IM infrastructure and a XenAPI VM get converge's marker (RADL
 * description, other_config) and are recorded in state, so the next plan acts on them instead of
 * creating a copy; Seattle vessels (no tags) are checked against the account and recorded. One
 * owned by another owner is refused (OTHER_OWNER), as are an id that does not exist and a key
 * the manifests do not desire.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SEED_UUIDS } from '../../src/backends/xenapi/sim/index.js';
import { XmlRpcClient } from '../../src/xmlrpc/client.js';
import { runCli, startSimProcess } from '../helpers/cli.js';
import { imCall } from '../helpers/im-client.js';
import { XenTestClient } from '../sim/xenapi/helpers.js';

const IM_AUTH_FILE = 'id = im; type = InfrastructureManager; username = ops; password = ops-pw\nid = dummy; type = Dummy\n';
const IM_AUTH: Array<Record<string, string>> = [{ id: 'im', type: 'InfrastructureManager', username: 'ops', password: 'ops-pw' }, { id: 'dummy', type: 'Dummy' }];
const SEATTLE = { username: 'alice', api_key: 'K3YALICE012456789BDFGHJMNPQRSTUV' };
const RADL = (description: string): string =>
  `${description}network net ( outbound = 'no' )\nsystem node (\ncpu.count >= 1 and\nmemory.size >= 512m and\nnet_interface.0.connection = 'net' and\ndisk.0.image.url = 'mock0://img'\n)\ncontextualize ()\ndeploy node 1\n`;

type Sim = Awaited<ReturnType<typeof startSimProcess>>;

function manifests(im: string, xen: string, seattle: string): string {
  return [
    `apiVersion: converge/v1\nkind: Backend\nmetadata: {name: im}\nspec: {type: im, url: "${im}", credentials: {fromFile: im.dat}}`,
    `apiVersion: converge/v1\nkind: Backend\nmetadata: {name: xen}\nspec: {type: xenapi, url: "${xen}", credentials: {fromFile: xen.txt}}`,
    `apiVersion: converge/v1\nkind: Backend\nmetadata: {name: seattle}\nspec: {type: seattle, url: "${seattle}", credentials: {fromFile: seattle.txt}}`,
    `apiVersion: converge/v1\nkind: Infrastructure\nmetadata: {name: web}\nspec:\n  backend: im\n  networks: [{name: net}]\n` +
      `  systems: [{name: node, cpu: 1, memory: 512Mi, image: "mock0://img", interfaces: [net]}]\n  deploy: {node: 1}`,
    `apiVersion: converge/v1\nkind: Infrastructure\nmetadata: {name: lab}\nspec:\n  backend: xen\n` +
      `  systems: [{name: node, cpu: 1, memory: 1Gi, image: "Debian Bookworm 12 (local storage)"}]\n  deploy: {node: 1}\n  power: stopped`,
    `apiVersion: converge/v1\nkind: VesselSet\nmetadata: {name: probes}\nspec:\n  backend: seattle\n  vessels: {lan: 2}\n  renewal: {margin: 1h}`,
  ].join('\n---\n');
}

describe('converge import', () => {
  const sims: Sim[] = [];
  let dir: string;
  let im: Sim;
  let xen: Sim;
  let seattle: Sim;

  beforeAll(async () => {
    [im, xen, seattle] = await Promise.all([startSimProcess('im', ['--create-base-ms', '0', '--create-ms-per-vm', '0']), startSimProcess('xenapi', []), startSimProcess('seattle', [])]);
    sims.push(im, xen, seattle);
    dir = await mkdtemp(join(tmpdir(), 'converge-import-'));
    await writeFile(join(dir, 'im.dat'), IM_AUTH_FILE);
    await writeFile(join(dir, 'xen.txt'), 'username = root\npassword = xenroot\n');
    await writeFile(join(dir, 'seattle.txt'), `username = ${SEATTLE.username}\napi_key = ${SEATTLE.api_key}\n`);
    await writeFile(join(dir, 'all.yaml'), manifests(im.url, xen.url, seattle.url));
  });

  afterAll(async () => {
    for (const sim of sims) sim.process.kill('SIGTERM');
    await Promise.all(sims.map((s) => s.process.result));
  });

  const state = async (): Promise<{ owner: string; objects: Record<string, { ids: Record<string, string>; extra?: { handles?: Record<string, string> } }> }> =>
    JSON.parse(await readFile(join(dir, '.converge', 'state.json'), 'utf8'));

  it('refuses keys the manifests do not desire, ids that do not exist, and objects of another owner', async () => {
    const unknownKey = await runCli(['import', 'Infrastructure/nope', 'x', '--dir', dir]);
    expect(unknownKey.code).toBe(4);
    expect(unknownKey.stderr).toContain('import Infrastructure/nope: not an object the manifests desire');
    const missing = await runCli(['import', 'Infrastructure/web', 'no-such-infrastructure', '--dir', dir]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/infrastructure no-such-infrastructure does not exist.*\[IMPORT_NOT_FOUND\]/);
    const foreign = String(
      await imCall(im.url, 'CreateInfrastructure', [RADL("description converge (\nconverge.owner = 'team-b' and\nconverge.key = 'Infrastructure/web'\n)\n"), IM_AUTH]),
    );
    const refused = await runCli(['import', 'Infrastructure/web', foreign, '--dir', dir]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/managed by another converge owner \("team-b"\).*\[OTHER_OWNER\]/);
    expect(String(await imCall(im.url, 'GetInfrastructureRADL', [foreign, IM_AUTH]))).toContain("converge.owner = 'team-b'");
    expect((await state()).objects['Infrastructure/web']).toBeUndefined();
  });

  it('imports an IM infrastructure: marker written, recorded, and the plan creates nothing', async () => {
    const infId = String(await imCall(im.url, 'CreateInfrastructure', [RADL(''), IM_AUTH]));
    const imported = await runCli(['import', 'Infrastructure/web', infId, '--dir', dir]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toContain(`Imported Infrastructure/web (backend im, infId=${infId})`);
    const { owner, objects } = await state();
    expect(objects['Infrastructure/web']?.ids).toEqual({ infId });
    const radl = String(await imCall(im.url, 'GetInfrastructureRADL', [infId, IM_AUTH]));
    expect(radl).toContain(`converge.owner = '${owner}'`);
    expect(radl).toContain("converge.key = 'Infrastructure/web'");
    const again = await runCli(['import', 'Infrastructure/web', infId, '--dir', dir]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('IMPORT_ALREADY_MANAGED');
    const plan = await runCli(['plan', dir, '--target', 'Infrastructure/web']);
    expect(plan.stdout).not.toMatch(/\+ Infrastructure\/web/);
    // The hand-made RADL asks for 512m, the manifest for 512Mi: an update of the adopted object.
    expect(plan.stdout).toContain('~ Infrastructure/web (im)');
  });

  it('imports a XenAPI VM: other_config marker written and recorded', async () => {
    const client = new XenTestClient(xen.url);
    await client.login();
    const vm = String(await client.call('VM.clone', await client.ref('VM', SEED_UUIDS.templateDebianLocal), 'hand-made'));
    await client.call('VM.provision', vm);
    await client.call('VM.set_is_a_template', vm, false);
    const uuid = String((await client.record('VM', vm)).uuid);
    const imported = await runCli(['import', 'Infrastructure/lab/vm/node-0', uuid, '--dir', dir]);
    expect(imported.code, imported.stderr).toBe(0);
    const { owner, objects } = await state();
    expect(objects['Infrastructure/lab/vm/node-0']?.ids).toEqual({ uuid });
    const config = (await client.call('VM.get_other_config', vm)) as Record<string, string>;
    expect(config).toMatchObject({ 'converge.owner': owner, 'converge.key': 'Infrastructure/lab/vm/node-0' });
    const plan = await runCli(['plan', dir, '--target', 'Infrastructure/lab']);
    expect(plan.stdout).not.toContain('+ Infrastructure/lab/vm/node-0');
  });

  it('keeps the live objects of renamed resources (metadata.previousNames): no destroy, no create', async () => {
    const text = await readFile(join(dir, 'all.yaml'), 'utf8');
    await writeFile(
      join(dir, 'all.yaml'),
      text.replace('metadata: {name: web}', 'metadata: {name: site, previousNames: [web]}').replace('metadata: {name: lab}', 'metadata: {name: lab2, previousNames: [lab]}'),
    );
    const plan = await runCli(['plan', dir, '--target', 'Infrastructure/site', '--target', 'Infrastructure/lab2']);
    expect(plan.stdout).toMatch(/Plan: 0 to create, \d+ to update, 0 to replace, 0 to delete\./);
    expect(plan.stdout).toContain('~ Infrastructure/site (im)');
    const applied = await runCli(['reconcile', dir, '--target', 'Infrastructure/site', '--target', 'Infrastructure/lab2', '--json']);
    expect(applied.code, applied.stdout).toBe(0);
    const calls = (JSON.parse(applied.stdout.trim().split('\n').at(-1)!) as { calls: Record<string, number> }).calls;
    expect(calls.CreateInfrastructure ?? 0).toBe(0);
    expect(calls.DestroyInfrastructure ?? 0).toBe(0);
    expect(calls['Async.VM.clone'] ?? calls['VM.clone'] ?? 0).toBe(0);
    const { objects } = await state();
    expect(Object.keys(objects).filter((k) => k.startsWith('Infrastructure/')).sort()).toEqual(['Infrastructure/lab2/vm/node-0', 'Infrastructure/site']);
    expect((await runCli(['plan', dir, '--target', 'Infrastructure/site', '--target', 'Infrastructure/lab2'])).code).toBe(0);
  });

  it('imports Seattle vessels held by the account: handles recorded, none acquired', async () => {
    const client = new XmlRpcClient({ url: seattle.url });
    try {
      const acquired = (await client.call('acquire_resources', [SEATTLE, { rspec_type: 'lan', number_of_nodes: 2 }])) as Array<{ handle: string }>;
      const handles = acquired.map((v) => v.handle);
      const bogus = await runCli(['import', 'VesselSet/probes', 'not-a-handle', '--dir', dir]);
      expect(bogus.code, bogus.stderr).toBe(1);
      expect(bogus.stderr).toMatch(/not held by Seattle account "alice".*\[IMPORT_NOT_FOUND\]/);
      const imported = await runCli(['import', 'VesselSet/probes', handles.join(','), '--dir', dir]);
      expect(imported.code, imported.stderr).toBe(0);
      expect(Object.keys((await state()).objects['VesselSet/probes']?.extra?.handles ?? {}).sort()).toEqual([...handles].sort());
      const plan = await runCli(['plan', dir, '--target', 'VesselSet/probes']);
      expect(plan.code, plan.stdout).toBe(0);
    } finally {
      client.close();
    }
  });
});
