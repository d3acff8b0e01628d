/**
 * Every invalid manifest fixture, run through `converge reconcile` (and every fifth through `plan`,
 * which loads manifests the same way) as a user would:
 * exit 4, a `file:line:col: error: … [CODE]` diagnostic, no backend call (the backends point at a
 * live simulator whose call log must stay empty) and the state file byte-for-byte unchanged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cp, mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startImSimulator } from '../../src/backends/im/sim/index.js';
import { ROOT, runCli } from '../helpers/cli.js';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'manifests', 'invalid');
const STATE = JSON.stringify({ formatVersion: 1, lineage: 'fixed-lineage', serial: 7, owner: 'fixed-owner', objects: {} });

describe('invalid manifests through the CLI', async () => {
  const cases = (await readdir(FIXTURES)).sort();
  let sim: Awaited<ReturnType<typeof startImSimulator>>;

  beforeAll(async () => {
    sim = await startImSimulator();
  });
  afterAll(async () => {
    // No case may have reached the backend (checked once: the cases run side by side).
    expect(sim.sim.knobs.log.lastSeq).toBe(0);
    await sim.close();
  });

  it('has at least 25 invalid cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
  });

  // Each case is two CLI processes that wait on nothing: run a few at once.
  it.concurrent.each(cases)('%s: exit 4 with a located diagnostic, no backend call, state unchanged', async (name) => {
    const dir = await mkdtemp(join(tmpdir(), `invalid-${name}-`));
    await cp(join(FIXTURES, name), dir, { recursive: true, filter: (src) => !src.endsWith('expected.txt') });
    for (const file of await readdir(dir, { recursive: true })) {
      if (!/\.ya?ml$/.test(file)) continue;
      const text = await readFile(join(dir, file), 'utf8');
      await writeFile(join(dir, file), text.replace(/url: embedded/g, `url: "${sim.url}"`));
    }
    await mkdir(join(dir, '.converge'), { recursive: true });
    await writeFile(join(dir, '.converge', 'state.json'), STATE);

    // reconcile for every case; plan (the same loading path, no lock) for every fifth.
    const index = cases.indexOf(name);
    for (const command of index % 5 === 0 ? ['reconcile', 'plan'] : ['reconcile']) {
      const result = await runCli([command, dir], { cwd: dir });
      expect(result.code, result.stderr).toBe(4);
      expect(result.stderr).toMatch(/^[^\s:]+:\d+:\d+: error: .+ \[[A-Z_]+\]$/m);
    }
    expect(await readFile(join(dir, '.converge', 'state.json'), 'utf8')).toBe(STATE);
    expect((await readdir(join(dir, '.converge'))).sort()).toEqual(['state.json']);
  });
});
