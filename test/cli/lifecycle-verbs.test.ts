/**
 * The lifecycle verbs on one IM simulator (a separate process, real socket): selection with
 * --target and -l, --replace, `show` of a saved plan, the confirmation on a terminal (under a
 * pseudo-terminal made by util-linux `script`), and `destroy` honouring deletionPolicy.
 * Each case is one or two CLI spawns; the simulator's VMs are created in 0 ms.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, editFile, reportOf, runCli, startSimProcess } from '../helpers/cli.js';
import { imCall } from '../helpers/im-client.js';

const AUTH = 'id = im; type = InfrastructureManager; username = ops; password = ops-pw\nid = dummy; type = Dummy\n';
const AUTH_VALUE: Array<Record<string, string>> = [{ id: 'im', type: 'InfrastructureManager', username: 'ops', password: 'ops-pw' }, { id: 'dummy', type: 'Dummy' }];
/** Under CI=true (as CI runs this suite) nothing would ever be asked: the tests set CI themselves. */
const NO_CI = { CI: '' };

function infrastructure(name: string, labels: string, policy: string, workers: number): string {
  return (
    `---\napiVersion: converge/v1\nkind: Infrastructure\nmetadata: {name: ${name}, labels: {${labels}}}\nspec:\n  backend: im\n  networks: [{name: net}]\n` +
    `  systems: [{name: node, cpu: 1, memory: 512Mi, image: "mock0://img", interfaces: [net]}]\n  deploy: {node: ${workers}}\n  deletionPolicy: ${policy}\n`
  );
}

/** liveKeys lists the converge keys of the simulator's infrastructures, with their ids. */
async function liveKeys(url: string): Promise<Map<string, string>> {
  const ids = (await imCall(url, 'GetInfrastructureList', [AUTH_VALUE])) as string[];
  const keys = new Map<string, string>();
  for (const id of ids) {
    const radl = String(await imCall(url, 'GetInfrastructureRADL', [id, AUTH_VALUE]));
    const key = /converge\.key = '([^']+)'/.exec(radl)?.[1];
    if (key) keys.set(key, id);
  }
  return keys;
}

/** inTerminal runs the CLI under a pseudo-terminal (`script`), typing `answer` into it. */
function inTerminal(args: string[], answer: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const command = [process.execPath, CLI, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  const child = spawn('script', ['-qec', command, '/dev/null'], { env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  child.stdin.write(`${answer}\n`);
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, output })));
}

describe('lifecycle verbs', () => {
  let sim: Awaited<ReturnType<typeof startSimProcess>>;
  let dir: string;

  beforeAll(async () => {
    sim = await startSimProcess('im', ['--create-base-ms', '0', '--create-ms-per-vm', '0']);
    dir = await mkdtemp(join(tmpdir(), 'converge-verbs-'));
    await writeFile(join(dir, 'auth.dat'), AUTH);
    await writeFile(
      join(dir, 'infra.yaml'),
      `apiVersion: converge/v1\nkind: Backend\nmetadata: {name: im}\nspec: {type: im, url: "${sim.url}", credentials: {fromFile: auth.dat}}\n` +
        infrastructure('web', 'tier: web', 'Delete', 1) +
        infrastructure('db', 'tier: db', 'Orphan', 1),
    );
    const first = await runCli(['reconcile', dir], { env: NO_CI });
    expect(first.code, first.stdout + first.stderr).toBe(0);
  });

  afterAll(async () => {
    sim.process.kill('SIGTERM');
    await sim.process.result;
  });

  it('plans and applies only the selected resources (--target, -l)', async () => {
    await editFile(join(dir, 'infra.yaml'), /deploy: \{node: 1\}/g, 'deploy: {node: 2}');
    const targeted = await runCli(['plan', dir, '--target', 'Infrastructure/web']);
    expect(targeted.code).toBe(2);
    expect(targeted.stdout).toContain('~ Infrastructure/web');
    expect(targeted.stdout).not.toContain('Infrastructure/db');
    const labelled = await runCli(['plan', dir, '-l', 'tier=db']);
    expect(labelled.stdout).toContain('~ Infrastructure/db');
    expect(labelled.stdout).not.toContain('Infrastructure/web');
    const typo = await runCli(['plan', dir, '--target', 'Infrastructure/wbe']);
    expect(typo.code).toBe(4);
    expect(typo.stderr).toMatch(/--target Infrastructure\/wbe: no such resource/);

    const applied = await runCli(['reconcile', dir, '-l', 'tier=web', '--json']);
    expect(applied.code, applied.stdout).toBe(0);
    expect(reportOf(applied.stdout).calls).toMatchObject({ AddResource: 1 });
    const rest = await runCli(['plan', dir]);
    expect(rest.stdout).toContain('~ Infrastructure/db');
    expect(rest.stdout).not.toContain('~ Infrastructure/web');
    expect((await runCli(['reconcile', dir])).code).toBe(0);
  });

  it('replaces an object without a diff (--replace), and shows a saved plan', async () => {
    const before = (await liveKeys(sim.url)).get('Infrastructure/web');
    const planFile = join(dir, '..', `${Date.now()}.plan.json`);
    const planned = await runCli(['plan', dir, '--replace', 'Infrastructure/web', '--out', planFile]);
    expect(planned.code).toBe(2);
    const shown = await runCli(['show', planFile]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('-/+ Infrastructure/web (im) replacement requested (--replace)');
    expect(shown.stdout).toContain('Plan: 0 to create, 0 to update, 1 to replace, 0 to delete.');
    const json = JSON.parse((await runCli(['show', planFile, '--json'])).stdout) as { actions: Array<{ key: string; action: string }> };
    expect(json.actions.find((a) => a.key === 'Infrastructure/web')?.action).toBe('replace');
    expect(json).toEqual(JSON.parse(await readFile(planFile, 'utf8')));

    const bad = await runCli(['plan', dir, '--replace', 'Infrastructure/nope']);
    expect(bad.code).toBe(4);
    expect(bad.stderr).toContain('--replace Infrastructure/nope');

    const replaced = await runCli(['reconcile', dir, '--replace', 'Infrastructure/web', '--json']);
    expect(replaced.code, replaced.stdout).toBe(0);
    expect(reportOf(replaced.stdout).calls).toMatchObject({ DestroyInfrastructure: 1, CreateInfrastructure: 1 });
    const after = (await liveKeys(sim.url)).get('Infrastructure/web');
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
  });

  it('asks before applying on a terminal; only yes applies; CI=true never asks', async () => {
    await editFile(join(dir, 'infra.yaml'), /deploy: \{node: 2\}/g, 'deploy: {node: 3}');
    const declined = await inTerminal(['reconcile', dir, '--target', 'Infrastructure/web'], 'no', NO_CI);
    expect(declined.output).toContain("Apply these changes? Only 'yes' will be accepted");
    expect(declined.output).toContain('~ Infrastructure/web');
    expect(declined.output).toMatch(/Apply cancelled/);
    expect(declined.code).toBe(1);
    expect((await runCli(['plan', dir, '--target', 'Infrastructure/web'])).code).toBe(2);

    const accepted = await inTerminal(['reconcile', dir, '--target', 'Infrastructure/web'], 'yes', NO_CI);
    expect(accepted.output).toContain("Apply these changes? Only 'yes' will be accepted");
    expect(accepted.output).toMatch(/Converged: 1 of 1/);
    expect(accepted.code).toBe(0);

    const ci = await inTerminal(['reconcile', dir], '', { CI: 'true' });
    expect(ci.output).not.toContain('Apply these changes?');
    expect(ci.output).toMatch(/Converged: 2 of 2/);
    expect(ci.code).toBe(0);
    expect((await runCli(['plan', dir])).code).toBe(0);
  });

  it('destroys what the resources own: Delete deleted, Orphan released and left live', async () => {
    const unattended = await runCli(['destroy', dir], { env: NO_CI });
    expect(unattended.code).toBe(4);
    expect(unattended.stderr).toContain('--auto-approve');
    const refused = await runCli(['destroy', dir, '--auto-approve', '--max-destroy', '0']);
    expect(refused.code).toBe(6);
    expect(refused.stderr).toMatch(/MAX_DESTROY/);
    const declined = await inTerminal(['destroy', dir], 'no', NO_CI);
    expect(declined.output).toContain("Destroy all these objects? Only 'yes' will be accepted");
    expect(declined.output).toMatch(/Destroy cancelled/);
    expect(declined.code).toBe(1);
    expect([...(await liveKeys(sim.url)).keys()].sort()).toEqual(['Infrastructure/db', 'Infrastructure/web']);
    const db = (await liveKeys(sim.url)).get('Infrastructure/db');

    const destroyed = await runCli(['destroy', dir, '--auto-approve']);
    expect(destroyed.code, destroyed.stdout + destroyed.stderr).toBe(0);
    expect(destroyed.stdout).toContain('- Infrastructure/web (im) destroy');
    expect(destroyed.stdout).toContain('. Infrastructure/db will no longer be managed by converge');
    expect(destroyed.stdout).toContain('✓ Infrastructure/web deleted');
    expect(destroyed.stdout).toContain('✓ Infrastructure/db released');
    const live = await liveKeys(sim.url);
    expect(live.has('Infrastructure/web')).toBe(false);
    expect(live.get('Infrastructure/db')).toBe(db);
    const state = JSON.parse(await readFile(join(dir, '.converge', 'state.json'), 'utf8')) as { objects: Record<string, { orphaned?: boolean }> };
    expect(state.objects['Infrastructure/web']).toBeUndefined();
    expect(state.objects['Infrastructure/db']?.orphaned).toBe(true);
  });
});
