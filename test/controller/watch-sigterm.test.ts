/**
 * SIGTERM while `converge watch` applies against slow backends (CONVERGE_SIM_LATENCY_MS on the
 * embedded simulators): with the default grace the actions in flight finish and nothing is left
 * open; with a grace too short they are aborted and their intents stay in the journal. Either
 * way the process exits 0 and releases the lock, and the next `converge reconcile` settles the
 * journal and converges with no duplicate and no leaked object.
 */
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SeattleSimulator } from '../../src/backends/seattle/sim/index.js';
import { FileJournal } from '../../src/state/index.js';
import { copyExamples, reportOf, runCli } from '../helpers/cli.js';
import { embeddedImState, liveInfrastructures } from '../helpers/im-sim-state.js';
import { startWatch, waitFor } from '../helpers/watch.js';
import { embeddedXenState, markedKeys } from '../helpers/xen-sim-state.js';

async function interruptedWatch(grace: string, latencyMs: number, afterStartMs: number) {
  const dir = await copyExamples();
  const watch = await startWatch(dir, ['--resync', '1h', '--grace', grace], { CONVERGE_SIM_LATENCY_MS: String(latencyMs) });
  await waitFor(() => watch.logs().some((l) => l.msg === 'action-start'), 30_000, 'the first action to start');
  await sleep(afterStartMs);
  const result = await watch.stop('SIGTERM');
  const journal = new FileJournal({ path: join(dir, '.converge', 'journal.jsonl') });
  return { dir, watch, result, recent: await journal.recent() };
}

/** expectConvergedOnce: the next reconcile converges; the one after changes nothing; nothing is doubled. */
async function expectNextRunConverges(dir: string): Promise<void> {
  const next = await runCli(['reconcile', dir, '--json']);
  expect(next.code, next.stdout + next.stderr).toBe(0);
  const again = await runCli(['reconcile', dir, '--json']);
  expect(reportOf(again.stdout).mutatingCalls).toBe(0);
  expect(liveInfrastructures(embeddedImState(dir)).map((i) => i.key).sort()).toEqual(['Infrastructure/data', 'Infrastructure/web']);
  expect(markedKeys(embeddedXenState(dir))).toEqual([
    'Infrastructure/lab/network/backend',
    'Infrastructure/lab/vm/gateway-0',
    'Infrastructure/lab/vm/node-0',
    'Infrastructure/lab/vm/node-1',
  ]);
  const seattle = new SeattleSimulator({ persistPath: join(dir, '.converge', 'sim', 'seattle-local.seattle.json') }).dump();
  expect(seattle.accounts.find((a) => a.username === 'alice')!.vessels).toHaveLength(5);
}

describe('SIGTERM during a long apply', () => {
  it('lets the calls in flight finish, exits 0 with nothing left open, and the next run converges', async () => {
    const { dir, watch, result, recent } = await interruptedWatch('30s', 400, 200);
    expect(result.code, result.stderr).toBe(0);
    const messages = watch.logs().map((l) => l.msg);
    expect(messages).toContain('stopping');
    expect(messages.at(-1)).toBe('stopped');
    expect(messages).not.toContain('grace period over: aborting calls in flight (their journal intents stay for the next run)');
    // Actions in flight when the signal came finished after it; those not started yet never began.
    expect(messages.indexOf('action-done', messages.indexOf('stopping'))).toBeGreaterThan(0);
    expect(watch.logs().some((l) => l.msg === 'action-skipped' && l.reason === 'shutting down')).toBe(true);
    expect(existsSync(join(dir, '.converge', 'state.json.lock'))).toBe(false);
    expect(recent.filter((i) => i.status === 'open' || i.status === 'unknown')).toEqual([]);
    await expectNextRunConverges(dir);
  });

  it('aborts the calls in flight once the grace is over, journals them, and the next run resolves them', async () => {
    const { dir, watch, result, recent } = await interruptedWatch('100ms', 1500, 100);
    expect(result.code, result.stderr).toBe(0);
    expect(watch.logs().some((l) => l.msg.startsWith('grace period over'))).toBe(true);
    expect(existsSync(join(dir, '.converge', 'state.json.lock'))).toBe(false);
    expect(recent.some((i) => i.status === 'open' || i.status === 'unknown')).toBe(true);
    await expectNextRunConverges(dir);
  });
});
