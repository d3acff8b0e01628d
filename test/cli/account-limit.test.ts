/**
 * The Seattle credit limit as a user meets it, through the CLI and the embedded simulator:
 * `plan` and `reconcile` exit 4 with a located diagnostic naming the limit, and nothing is
 * acquired.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { copyExamples, editFile, jsonLines, runCli } from '../helpers/cli.js';

describe('Seattle account limit', () => {
  it('refuses at plan time, before any acquire', async () => {
    const dir = await copyExamples();
    await editFile(join(dir, 'seattle.yaml'), 'wan: 3', 'wan: 30');
    for (const command of ['plan', 'reconcile']) {
      const result = await runCli([command, dir], { cwd: join(dir, '..') });
      expect(result.code, result.stderr).toBe(4);
      expect(result.stderr).toMatch(/^manifests\/seattle\.yaml:\d+:\d+: error: VesselSet\/measurement asks for 32 vessel\(s\) \(lan 2, wan 30\), but account alice allows max_vessels 10.* \[ACCOUNT_LIMIT\]$/m);
    }
    await editFile(join(dir, 'seattle.yaml'), 'wan: 30', 'wan: 3');
    const status = await runCli(['status', dir, '--json']);
    const objects = (jsonLines(status.stdout)[0] as { objects: Array<{ key: string; live: string }> }).objects;
    expect(objects.find((o) => o.key === 'VesselSet/measurement')?.live).toBe('absent');
  });
});
