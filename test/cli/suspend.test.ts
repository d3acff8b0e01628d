/**
 * `converge.io/suspend: "true"` under plan and reconcile: a suspended resource is neither planned
 * nor applied, its objects stay (even with --prune), and it is reported as suspended rather than
 * as removed. Removing the annotation plans its pending change again. XenAPI example only.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { copyExamples, editFile, runCli } from '../helpers/cli.js';
import { embeddedXenState, markedKeys } from '../helpers/xen-sim-state.js';

const SUSPEND = '  annotations:\n    converge.io/suspend: "true"\n';

describe('a suspended resource under plan and reconcile', () => {
  let dir = '';
  let vms: string[] = [];

  beforeAll(async () => {
    dir = await copyExamples();
    for (const file of await readdir(dir)) if (file.endsWith('.yaml') && file !== 'xen.yaml') await rm(join(dir, file));
    expect((await runCli(['reconcile', dir])).code).toBe(0);
    vms = markedKeys(embeddedXenState(dir, 'xen-local'));
    expect(vms).toContain('Infrastructure/lab/vm/node-1');
    // Suspend the lab and lower its node count: unsuspended, that would delete a VM.
    await editFile(join(dir, 'xen.yaml'), /(  name: lab\n)/, `$1${SUSPEND}`);
    await editFile(join(dir, 'xen.yaml'), /node: 2\b/, 'node: 1');
  });

  it('plans nothing for it and says it is suspended', async () => {
    const plan = await runCli(['plan', dir]);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('No changes.');
    expect(plan.stdout).toContain('note: Infrastructure/lab is suspended (converge.io/suspend: "true"): not planned, not applied, its objects not pruned');
    expect(plan.stdout).not.toMatch(/node-1/);
  });

  it('applies nothing to it, prunes none of its objects, and warns that it is suspended', async () => {
    const run = await runCli(['reconcile', dir, '--prune']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/warning: Infrastructure\/lab: suspended .*\[SUSPENDED\]/);
    expect(markedKeys(embeddedXenState(dir, 'xen-local'))).toEqual(vms);
  });

  it('plans the pending change again once the annotation is gone', async () => {
    await editFile(join(dir, 'xen.yaml'), SUSPEND, '');
    const plan = await runCli(['plan', dir]);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toMatch(/- Infrastructure\/lab\/vm\/node-1/);
    expect(plan.stdout).not.toContain('suspended');
  });
});
