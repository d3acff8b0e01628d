/**
 * Point 4 of issue 12: what a run looks like. Twenty VMs on the embedded XenAPI simulator, whose
 * clone/provision/start tasks report percentages:
 * - on a terminal (run under a pseudo-terminal with util-linux `script`), creating them: the plan
 *   summary first, one line per result, no task percentage left on the final screen, the right
 *   final count;
 * - not on a terminal, deleting them (clean shutdowns report percentages too): a bounded number
 *   of plain lines, no percentages;
 * - --quiet, creating one again: the final summary only.
 * The cases run in order on one directory.
 */
import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, ROOT, runCli } from '../helpers/cli.js';
import { terminalScreen } from '../helpers/terminal-screen.js';

const FARM = `apiVersion: converge/v1
kind: Backend
metadata: { name: xen-local }
spec: { type: xenapi, url: embedded, credentials: { fromFile: credentials/xen-root.txt } }
---
apiVersion: converge/v1
kind: Infrastructure
metadata: { name: farm }
spec:
  backend: xen-local
  networks: [{ name: backend }]
  systems:
    - { name: node, cpu: 1, memory: 512Mi, image: Debian Bookworm 12 (local storage), disks: [{ size: 1Gi }], interfaces: [backend] }
  deploy: { node: 20 }
`;

let dir: string;

beforeAll(async () => {
  dir = join(await mkdtemp(join(tmpdir(), 'converge-view-')), 'manifests');
  await cp(join(ROOT, 'manifests', 'credentials'), join(dir, 'credentials'), { recursive: true });
  await writeFile(join(dir, 'farm.yaml'), FARM);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

describe('the terminal view of reconcile (20 XenAPI VMs)', () => {
  it('on a terminal: the plan summary first, results only, no task percentages left, right counts', () => {
    const command = `${quote(process.execPath)} ${quote(CLI)} reconcile ${quote(dir)} --auto-approve`;
    const raw = execFileSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8', env: { ...process.env, TERM: 'xterm', NO_COLOR: '', COLUMNS: '120' } });
    expect(raw).toMatch(/\u001b\[\d+A/); // it did redraw in place
    const screen = terminalScreen(raw);
    expect(screen[0]).toBe('Plan: 21 to create, 0 to update, 0 to replace, 0 to delete.');
    expect(screen.filter((l) => /\d+%/.test(l))).toEqual([]);
    expect(screen.filter((l) => l.includes('in flight]'))).toEqual([]); // the live block is gone at the end
    expect(screen.filter((l) => /^✓ create Infrastructure\/farm\//.test(l))).toHaveLength(21);
    expect(screen).toContain('  ✓ Infrastructure/farm/vm/node-19 converged');
    expect(screen.some((l) => /^Converged: 21 of 21 object\(s\)/.test(l))).toBe(true);
    expect(screen.length).toBeLessThan(60);
  });

  it('not on a terminal: plain lines, bounded, no percentages; --quiet prints the summary only', async () => {
    await writeFile(join(dir, 'farm.yaml'), FARM.replace('node: 20', 'node: 0'));
    const plain = await runCli(['reconcile', dir]);
    expect(plain.code).toBe(0);
    const lines = plain.stdout.split('\n').filter(Boolean);
    expect(lines.some((l) => l.includes('\u001b'))).toBe(false);
    expect(lines.filter((l) => /\d+%/.test(l))).toEqual([]);
    expect(lines[0]).toBe('Plan: 0 to create, 0 to update, 0 to replace, 20 to delete.');
    expect(lines.filter((l) => /^✓ delete Infrastructure\/farm\/vm\//.test(l))).toHaveLength(20);
    expect(lines.length).toBeLessThanOrEqual(3 * 21 + 10); // start + result + report line per object, and a few more

    await writeFile(join(dir, 'farm.yaml'), FARM.replace('node: 20', 'node: 1'));
    const quiet = await runCli(['reconcile', dir, '--quiet']);
    expect(quiet.code).toBe(0);
    expect(quiet.stdout.split('\n').filter(Boolean)).toEqual([expect.stringMatching(/^Converged: 2 of 2 object\(s\)/)]);
  });
});
