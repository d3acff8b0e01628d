/**
 * `converge watch --sharded` refuses what it cannot do, before doing anything: a file state
 * (sharding needs PostgreSQL), replica flags without --sharded, and a renewal period that does
 * not fit the lease. Each exits 4 with the reason.
 */
import { describe, expect, it } from 'vitest';
import { copyExamples, runCli } from '../helpers/cli.js';

describe('converge watch --sharded: usage', () => {
  const cases: Array<{ reason: string; args: string[]; message: RegExp }> = [
    { reason: 'a file state has a single writer', args: ['--sharded'], message: /--sharded needs a PostgreSQL state/ },
    { reason: '--replica-id means nothing without --sharded', args: ['--replica-id', 'r1'], message: /--replica-id needs --sharded/ },
    { reason: 'renewals must fit at least twice in a lease', args: ['--sharded', '--shard-lease', '3s', '--shard-renew', '2s'], message: /--shard-renew must be at most half of --shard-lease/ },
  ];
  for (const c of cases) {
    it(`exits 4: ${c.reason}`, async () => {
      const dir = await copyExamples();
      const result = await runCli(['watch', dir, '--listen', '127.0.0.1:0', ...c.args]);
      expect(result.code, result.stdout + result.stderr).toBe(4);
      expect(result.stdout + result.stderr).toMatch(c.message);
    });
  }
});
