/**
 * `converge watch` at the command line: bad flags and a missing directory are usage errors
 * (exit 4) before anything starts; endpoints refuse a non-loopback address unless asked; the
 * controller holds the state lock for its whole life, so a second watch or a reconcile exits 5
 * naming it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyExamples, runCli } from '../helpers/cli.js';
import { allReady, startWatch, waitFor, type WatchProcess } from '../helpers/watch.js';

describe('converge watch on the command line', () => {
  it.each([
    { args: ['--listen', '0.0.0.0:9321'], message: /0\.0\.0\.0 is not a loopback address; add --listen-any/, reason: 'a non-loopback address needs --listen-any' },
    { args: ['--listen', 'nowhere'], message: /expected HOST:PORT/, reason: 'an unparseable address' },
    { args: ['--resync', '10'], message: /--resync 10/, reason: 'durations need units' },
    { args: ['--workers', '0'], message: /--workers 0: expected a whole number ≥ 1/, reason: 'at least one worker' },
    { args: ['--log-level', 'loud'], message: /--log-level loud/, reason: 'a known log level' },
    { args: ['--log-format', 'yaml'], message: /--log-format yaml: expected json or text/, reason: 'a known log format' },
  ])('exits 4 for $args: $reason', async ({ args, message }) => {
    const result = await runCli(['watch', 'manifests', ...args]);
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(message);
  });

  it('exits 4 for a directory that does not exist', async () => {
    const result = await runCli(['watch', '/nonexistent/manifests', '--listen', '127.0.0.1:0']);
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('/nonexistent/manifests: not a directory of manifests');
  });

  describe('while a controller runs', () => {
    let dir = '';
    let watch: WatchProcess;

    beforeAll(async () => {
      dir = await copyExamples();
      watch = await startWatch(dir, ['--resync', '1h']);
      await waitFor(async () => allReady(await watch.status()), 30_000, 'every resource Ready');
    });
    afterAll(async () => {
      await watch?.stop('SIGKILL');
    });

    it('holds the state lock: a second watch and a reconcile exit 5 naming it', async () => {
      for (const command of [['watch', dir, '--listen', '127.0.0.1:0'], ['reconcile', dir]]) {
        const result = await runCli(command);
        expect(result.code, result.stderr).toBe(5);
        expect(result.stderr).toMatch(new RegExp(`state is locked by .*pid ${watch.pid}`));
      }
      expect((await fetch(`${watch.url}/healthz`)).status).toBe(200);
      expect(await (await fetch(`${watch.url}/nowhere`)).text()).toContain('not found');
    });
  });
});
