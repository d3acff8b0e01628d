/**
 * Operational failures: a fifth of all backend calls failing transiently still converges (and
 * the report names the retried calls); a state locked by another live run exits 5 naming it.
 */
import { describe, expect, it } from 'vitest';
import { copyExamples, reportOf, runCli, startCli } from '../helpers/cli.js';
import { embeddedImState, liveInfrastructures, vmCount } from '../helpers/im-sim-state.js';

describe('transient faults', () => {
  it('converges with 20% of calls failing and reports the retried calls', async () => {
    const dir = await copyExamples();
    const faults = JSON.stringify([
      { method: '*', mode: 'drop', fraction: 0.1 },
      { method: '*', mode: 'http-error', httpStatus: 503, fraction: 0.1 },
    ]);
    const run = await runCli(['reconcile', dir, '--json'], { env: { CONVERGE_SIM_FAULTS: faults, CONVERGE_SIM_SEED: '7' } });
    const report = reportOf(run.stdout);
    expect(run.code).toBe(0);
    expect(report.outcome).toBe('converged');
    expect((report.retries as unknown[]).length).toBeGreaterThan(0);
    const dump = embeddedImState(dir);
    expect(liveInfrastructures(dump).map((i) => i.key).sort()).toEqual(['Infrastructure/data', 'Infrastructure/web']);
    expect(vmCount(dump, 'Infrastructure/web', 'worker')).toBe(2);

    const human = await runCli(['reconcile', dir], { env: { CONVERGE_SIM_FAULTS: faults, CONVERGE_SIM_SEED: '11' } });
    expect(human.code).toBe(0);
    // IM's reads are Get* calls and ExportInfrastructure (observe's export read).
    expect(human.stdout).toMatch(/Retried calls: (Get\w+|ExportInfrastructure) ×\d+/);
  });

  it('never duplicates an infrastructure when replies to mutating calls are lost', async () => {
    const dir = await copyExamples();
    const faults = JSON.stringify([{ method: 'CreateInfrastructure', mode: 'lose-reply', times: 2 }]);
    const run = await runCli(['reconcile', dir, '--json'], { env: { CONVERGE_SIM_FAULTS: faults } });
    expect(run.code).toBe(0);
    const keys = liveInfrastructures(embeddedImState(dir)).map((i) => i.key).sort();
    expect(keys).toEqual(['Infrastructure/data', 'Infrastructure/web']);
  });
});

describe('state lock', () => {
  it('exits 5 naming the live holder while another reconcile runs', async () => {
    const dir = await copyExamples();
    const holder = startCli(['reconcile', dir], { env: { CONVERGE_SIM_LATENCY_MS: '400' } });
    await new Promise((r) => setTimeout(r, 1500));
    const second = await runCli(['reconcile', dir]);
    expect(second.code).toBe(5);
    expect(second.stderr).toMatch(new RegExp(`state is locked by .*pid ${holder.pid}`));
    expect((await holder.result).code).toBe(0);
    expect((await runCli(['reconcile', dir])).code).toBe(0);
  });
});
