/**
 * Crash safety for Seattle, whose API has no tags: the vessels a VesselSet owns exist only in
 * converge's state. A run killed while acquire_resources is in flight (the server still
 * completes it) must not leak those vessels: the next run adopts them from the journal. Then
 * random SIGKILL trials, as for IM: converged, exact counts, no surplus vessel acquired.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startSeattleSimulator } from '../../src/backends/seattle/sim/index.js';
import { manifestDir } from '../helpers/engine.js';
import { reportOf, runCli, startCli } from '../helpers/cli.js';

const KEY = 'CRASHKEY0123456789ABCDEFGHJKLMNP';
type Server = Awaited<ReturnType<typeof startSeattleSimulator>>;

const manifests = (url: string, vessels: string) => ({
  'creds.txt': `username = erin\napi_key = ${KEY}\n`,
  'backend.yaml': `apiVersion: converge/v1\nkind: Backend\nmetadata: {name: seattle}\nspec: {type: seattle, url: "${url}", credentials: {fromFile: creds.txt}}\n`,
  'v.yaml': ['a', 'b', 'c'].map((n) => `apiVersion: converge/v1\nkind: VesselSet\nmetadata: {name: ${n}}\nspec:\n  backend: seattle\n  vessels: ${vessels}\n`).join('---\n'),
});

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('SIGKILL during a Seattle reconcile', () => {
  let server: Server;
  const held = () => server.sim.dump().accounts.find((a) => a.username === 'erin')!.vessels;

  beforeEach(async () => {
    server = await startSeattleSimulator({ accounts: [{ username: 'erin', apiKey: KEY, maxVessels: 40 }], backendDelayMs: 0 });
  });
  afterEach(async () => server.close());

  it('adopts the vessels of an acquire the server completed after the client died', async () => {
    const dir = await manifestDir(manifests(server.url, '{wan: 2}'));
    server.sim.knobs.setLatency(3000, 'acquire_resources');
    const run = startCli(['reconcile', dir]);
    const journal = join(dir, '.converge', 'journal.jsonl');
    await waitFor(async () => (await readFile(journal, 'utf8').catch(() => '')).includes('acquire_resources'), 15_000);
    // The intent is journaled just before the request is sent: give it time to reach the server,
    // which is still sleeping on the call's latency when the client is killed.
    await new Promise((r) => setTimeout(r, 700));
    run.kill('SIGKILL');
    await run.result;
    await waitFor(async () => held().length > 0, 10_000);
    server.sim.knobs.setLatency(0, 'acquire_resources');

    const rerun = await runCli(['reconcile', dir, '--json']);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stdout).toMatch(/adopted 2 vessel\(s\) it acquired/);
    expect(held()).toHaveLength(6);
  }, 60_000);

  it('ends with exact counts and no surplus vessel after 10 random kills', async () => {
    const dir = await manifestDir(manifests(server.url, '{wan: 2, lan: 1}'));
    server.sim.knobs.setLatency(30);
    let killed = 0;
    for (let trial = 0; trial < 10; trial += 1) {
      const counts = ['{wan: 2, lan: 1}', '{wan: 1, random: 2}', '{lan: 2, nat: 1}'][trial % 3]!;
      await writeFile(join(dir, 'v.yaml'), manifests(server.url, counts)['v.yaml']);
      const run = startCli(['reconcile', dir]);
      await new Promise((r) => setTimeout(r, 300 + Math.random() * 900));
      if (run.exitCode === null) {
        run.kill('SIGKILL');
        killed += 1;
      }
      await run.result;
    }
    expect(killed).toBeGreaterThan(0);
    await writeFile(join(dir, 'v.yaml'), manifests(server.url, '{wan: 2, lan: 1}')['v.yaml']);
    const final = await runCli(['reconcile', dir, '--json']);
    const state = JSON.parse(await readFile(join(dir, '.converge', 'state.json'), 'utf8')) as { objects: Record<string, { extra: { handles: Record<string, string> } }> };
    const recorded = Object.values(state.objects).flatMap((o) => Object.keys(o.extra.handles));
    const unrecorded = held().filter((v) => !recorded.includes(v.handle));
    const context = `${final.stderr}${final.stdout.slice(-2000)}\nunrecorded: ${unrecorded.map((v) => v.handle.slice(-12)).join(' ')}`;
    // Every set holds exactly what it asks for, and every recorded vessel is held.
    for (const o of Object.values(state.objects)) expect(Object.values(o.extra.handles).sort(), context).toEqual(['lan', 'wan', 'wan']);
    expect(new Set(recorded).size).toBe(9);
    expect(recorded.every((h) => held().some((v) => v.handle === h))).toBe(true);
    if (final.code === 0) {
      // Converged: nothing held that state does not record, and nothing left to do.
      expect(unrecorded, context).toEqual([]);
      expect(reportOf((await runCli(['reconcile', dir, '--json'])).stdout).mutatingCalls).toBe(0);
    } else {
      // A kill between journaling an acquire and sending it leaves a call that may never have
      // reached the server; when another call's vessels could be either's, no evidence tells
      // them apart (vessel-attribution.ts). They are reported, never adopted, never "converged".
      expect(final.code, context).toBe(3);
      expect(final.stdout, context).toMatch(/held by the account but by no VesselSet .* cannot be attributed with certainty/);
      expect(unrecorded.length, context).toBeGreaterThan(0);
    }
  }, 120_000);
});
