/**
 * Crash safety on XenAPI (DESIGN §5): `converge reconcile` is killed with SIGKILL at random
 * moments while it creates 20 VMs on a XenAPI simulator that keeps running in its own process
 * (`converge sim xenapi --persist`), so Async tasks in flight finish on the server after the
 * client died. Ten trials (the deploy counts move between them, so kills also land in deletes),
 * then a clean run: converged, idempotent, no duplicate VM, no unmarked clone, no orphaned VDI
 * or VIF — read from the simulator's own persisted state.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XenApiSimulator } from '../../src/backends/xenapi/sim/index.js';
import { reportOf, runCli, startCli, startSimProcess } from '../helpers/cli.js';
import { XEN_CREDENTIALS, xenBackend, xenInfra } from '../helpers/xen-manifests.js';
import { guestVms, looseVdis, markedKeys, rows, strayVifs } from '../helpers/xen-sim-state.js';

const TRIALS = 10;

async function writeManifests(dir: string, url: string, shift: number): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'xen.cred'), XEN_CREDENTIALS);
  await writeFile(join(dir, 'backend.yaml'), xenBackend(url, 'shutdownTimeout: 1s', '  limits: {concurrency: 6}\n'));
  const system = (name: string) => `{name: ${name}, cpu: 1, memory: 256Mi, image: "Debian Bookworm 12", disks: [{size: 1Gi}], interfaces: [lan]}`;
  const docs = [
    xenInfra('a', { systems: [system('node')], deploy: { node: 10 + shift } }),
    xenInfra('b', { systems: [system('node')], deploy: { node: 10 - shift } }),
  ];
  await writeFile(join(dir, 'infra.yaml'), docs.join('---\n'));
}

const expectedKeys = (): string[] =>
  ['a', 'b'].flatMap((infra) => [`Infrastructure/${infra}/network/lan`, ...Array.from({ length: 10 }, (_, i) => `Infrastructure/${infra}/vm/node-${i}`)]).sort();

describe('SIGKILL during a XenAPI reconcile', () => {
  let sim: ReturnType<typeof startCli>;
  let url = '';
  let persist = '';
  let dir = '';

  beforeAll(async () => {
    const root = await mkdtemp(join(tmpdir(), 'converge-xen-kill-'));
    persist = join(root, 'xen.json');
    dir = join(root, 'manifests');
    ({ process: sim, url } = await startSimProcess('xenapi', ['--persist', persist, '--latency', '2']));
    await writeManifests(dir, url, 0);
  });

  afterAll(async () => {
    sim.kill('SIGTERM');
    await sim.result;
  });

  it('ends converged with no duplicate VM and no orphaned VDI or VIF after 10 killed runs', async () => {
    let killedMidway = 0;
    const settled: string[] = [];
    for (let trial = 0; trial < TRIALS; trial += 1) {
      const run = startCli(['reconcile', dir, '--json']);
      await new Promise((r) => setTimeout(r, 500 + Math.floor(Math.random() * 2000)));
      if (run.exitCode === null) {
        run.kill('SIGKILL');
        killedMidway += 1;
      }
      const result = await run.result;
      settled.push(...result.stdout.split('\n').filter((l) => l.includes('intent-settled') || l.includes('VM.clone')).map((l) => `trial ${trial}: ${l.slice(0, 300)}`));
      await writeManifests(dir, url, (trial % 3) - 1);
    }
    expect(killedMidway).toBeGreaterThan(0);
    await writeManifests(dir, url, 0);

    const final = await runCli(['reconcile', dir, '--json']);
    expect(final.stderr).toBe('');
    expect(final.code).toBe(0);
    const noop = await runCli(['reconcile', dir, '--json']);
    expect(reportOf(noop.stdout).mutatingCalls).toBe(0);

    const dump = new XenApiSimulator({ persistPath: persist }).dump();
    expect(markedKeys(dump)).toEqual(expectedKeys());
    const vms = guestVms(dump);
    const names = vms.map((vm) => String(vm.name_label));
    const dupes = vms.filter((vm) => names.filter((n) => n === vm.name_label).length > 1);
    const why = JSON.stringify(dupes.map((vm) => ({ uuid: vm.uuid, other_config: vm.other_config, power: vm.power_state, template: vm.is_a_template })));
    expect(new Set(names).size, `${names.join(' ')}\n${why}\n${settled.join('\n')}`).toBe(names.length);
    expect(names).toHaveLength(20);
    expect(vms.every((vm) => (vm.other_config as Record<string, string>)['converge.owner'] && vm.power_state === 'Running')).toBe(true);
    expect(looseVdis(dump)).toEqual([]);
    expect(rows(dump, 'VDI')).toHaveLength(1 + 2 * 20); // guest-tools.iso; a system and an extra disk per VM
    expect(strayVifs(dump)).toEqual([]);
    expect(rows(dump, 'VIF')).toHaveLength(20);
  }, 120_000);
});
