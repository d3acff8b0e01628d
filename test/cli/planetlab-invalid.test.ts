/**
 * Bad Slice input as a user meets it through the CLI, on the embedded PLC: located diagnostics
 * (`file:line:col: error: … [CODE]`), exit 4, and no call that changes anything. Some mistakes
 * are the manifest's alone (a list of controllers, a renewal without url or description); the
 * others need PLC's view (the site prefix, the 8-week cap for a non-admin account) and come from
 * the driver's plan-time check, after reading PLC and before any mutating call.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { PI_CREDENTIALS, sliceYaml } from '../helpers/planetlab.js';

const BACKEND = 'apiVersion: converge/v1\nkind: Backend\nmetadata: {name: plc}\nspec: {type: planetlab, url: embedded, credentials: {fromFile: plc.txt}}\n';

async function manifests(slices: string[]): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'converge-pl-invalid-'));
  const dir = join(root, 'manifests');
  await mkdir(dir);
  await writeFile(join(dir, 'plc.txt'), PI_CREDENTIALS);
  await writeFile(join(dir, 'backend.yaml'), BACKEND);
  await writeFile(join(dir, 'slices.yaml'), slices.join('---\n'));
  return dir;
}

/** embeddedSlices are the slices the embedded PLC holds (its state file), created or not. */
function embeddedSlices(dir: string): unknown[] {
  const file = join(dir, '.converge', 'sim', 'plc.planetlab.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { plc: { slices: unknown[] } }).plc.slices : [];
}

describe('invalid Slice manifests', () => {
  it('reports manifest mistakes at their place before contacting PLC', async () => {
    const dir = await manifests([
      sliceYaml('two-controllers', 'princeton_two', { instantiation: 'delegated', controller: '[princeton_ctl, princeton_ctl2]' }),
      sliceYaml('no-url', 'princeton_nourl', { url: null }),
      sliceYaml('empty-description', 'princeton_nodesc', { description: '""' }),
    ]);
    const result = await runCli(['reconcile', dir], { cwd: join(dir, '..') });
    expect(result.code, result.stderr).toBe(4);
    const lines = result.stderr.split('\n');
    expect(lines).toContainEqual(expect.stringMatching(/^manifests\/slices\.yaml:10:15: error: spec\.controller: name ONE nm-controller slice, not a list of 2: .* \[SLICE_CONTROLLER\]$/));
    expect(lines).toContainEqual(expect.stringMatching(/^manifests\/slices\.yaml:\d+:1: error: spec\.url: PLC refuses to renew a slice with an empty description or URL .* \[SLICE_RENEWAL\]$/));
    expect(lines).toContainEqual(expect.stringMatching(/^manifests\/slices\.yaml:\d+:16: error: spec\.description: PLC refuses to renew .* \[SLICE_RENEWAL\]$/));
    expect(existsSync(join(dir, '.converge'))).toBe(false);
  });

  it('reports what PLC would refuse, located, after reading PLC and before changing it', async () => {
    const dir = await manifests([
      sliceYaml('no-site', 'nosuchsite_x'),
      sliceYaml('other-site', 'upmc_x'),
      sliceYaml('too-long', 'princeton_long', { renewal: '{extendTo: 70d}' }),
      sliceYaml('fine', 'princeton_fine', { nodes: ['node1.princeton.test', 'node9.nowhere.test'] }),
      sliceYaml('ghost', 'princeton_ghost', { instantiation: 'delegated', controller: 'princeton_nosuch', nodes: ['node1.princeton.test'] }),
    ]);
    const result = await runCli(['reconcile', dir], { cwd: join(dir, '..') });
    expect(result.code, result.stderr).toBe(4);
    const lines = result.stderr.split('\n');
    expect(lines).toContainEqual(expect.stringMatching(/^manifests\/slices\.yaml:6:9: error: nosuchsite \(the prefix of nosuchsite_x\) is not a site at PLC.* \[SLICE_SITE_PREFIX\]$/));
    expect(lines).toContainEqual(expect.stringMatching(/^manifests\/slices\.yaml:16:9: error: upmc_x is outside the sites of pi@princeton\.test.* \[SLICE_SITE_PREFIX\]$/));
    expect(lines).toContainEqual(expect.stringMatching(/^manifests\/slices\.yaml:\d+:\d+: error: renewal\.extendTo is 70 days: PLC refuses to renew a slice beyond 8 weeks .* \[SLICE_RENEWAL_CAP\]$/));
    expect(lines).toContainEqual(expect.stringMatching(/^manifests\/slices\.yaml:\d+:\d+: error: node node9\.nowhere\.test is not known at PLC.* \[SLICE_UNKNOWN_NODE\]$/));
    expect(lines).toContainEqual(expect.stringMatching(/^manifests\/slices\.yaml:\d+:15: error: controller princeton_nosuch is not a live slice at PLC.* \[SLICE_CONTROLLER\]$/));
    expect(embeddedSlices(dir)).toEqual([]);
  });
});
