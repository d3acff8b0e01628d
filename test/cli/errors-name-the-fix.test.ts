/**
 * Errors that name the fix, through the CLI against the embedded simulators: a refused identity
 * shows at once and is never retried (no `retry` event, the process ends with the error), and a
 * transport failure names the backend and its URL, without the credentials the URL carried.
 */
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { copyExamples, editFile, jsonLines, runCli } from '../helpers/cli.js';

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(dirname(d), { recursive: true, force: true }))));

/** examplesWith copies the examples, keeps only `files`, and applies the edits. */
async function examplesWith(files: string[], edits: Array<[string, string | RegExp, string]>): Promise<string> {
  const dir = await copyExamples();
  dirs.push(dir);
  const all = ['backends.yaml', 'data.yaml', 'web.yaml', 'xen.yaml', 'seattle.yaml', 'fedd.yaml', 'planetlab.yaml'];
  await Promise.all(all.filter((f) => !files.includes(f)).map((f) => rm(join(dir, f))));
  for (const [file, from, to] of edits) await editFile(join(dir, file), from, to);
  return dir;
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const wrongIdentity = [
  { reason: 'a wrong Seattle API key', files: ['seattle.yaml'], credentials: 'seattle-alice.txt', from: /api_key = \S+/, to: 'api_key = WRONGKEY0123456789BDFGHJMNPQRSTU', code: 'SEATTLE_AUTH' },
  { reason: 'a wrong XenAPI password', files: ['xen.yaml'], credentials: 'xen-root.txt', from: /password = \S+/, to: 'password = wrong', code: 'XEN_SESSION_AUTHENTICATION_FAILED' },
  { reason: 'a wrong PLC password', files: ['planetlab.yaml'], credentials: 'plc-pi.txt', from: /password = \S+/, to: 'password = wrong', code: 'PLC_LOGIN_REFUSED' },
];

// Concurrent: the unreachable case spends ~9 s in the retry backoff of a transient failure (by design).
describe.concurrent('errors that name the fix', () => {
  it('names the backend and its URL (never its credentials) when nothing listens there', async () => {
    const port = await closedPort();
    const dir = await examplesWith(['backends.yaml', 'data.yaml'], [['backends.yaml', /^  url: embedded$/m, `  url: http://demo:hunter2@127.0.0.1:${port}/`]]);
    const result = await runCli(['plan', dir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`ECONNREFUSED from backend im-local at http://127\\.0\\.0\\.1:${port}/: nothing accepts connections there.*spec\\.url`));
    expect(result.stdout + result.stderr).not.toContain('hunter2');
  });

  it.each(wrongIdentity)('$reason shows UNAUTHORIZED at once: no retry, nothing after the error', async ({ files, credentials, from, to, code }) => {
    const dir = await examplesWith(files, [[`credentials/${credentials}`, from, to]]);
    const result = await runCli(['reconcile', dir, '--json']);
    expect(result.code, result.stderr).toBe(1);
    const events = jsonLines(result.stdout);
    expect(events.filter((e) => e.type === 'retry')).toEqual([]);
    expect(events.find((e) => e.type === 'observe-failed')).toMatchObject({ code });
    expect(events.at(-1)).toMatchObject({ type: 'error' });
    expect(events.filter((e) => String(e.type).startsWith('action-'))).toEqual([]);
  });
});
