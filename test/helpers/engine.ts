/**
 * Running the real engine in-process against a manifests directory, for behaviour tests that
 * need finer control than the CLI gives (virtual clocks, forced states).
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { converge } from '../../src/engine/converge.js';
import type { RunEvent } from '../../src/engine/events.js';
import type { RunReport } from '../../src/engine/report.js';
import { openWorkspace } from '../../src/workspace/open-workspace.js';

export async function manifestDir(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'converge-engine-'));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return dir;
}

export async function reconcile(dir: string, options: { prune?: boolean; waitMs?: number } = {}): Promise<RunReport & { events: RunEvent[] }> {
  const events: RunEvent[] = [];
  const sink = { emit: (e: RunEvent) => void events.push(e) };
  const ws = await openWorkspace({ dir, sink });
  try {
    const report = await converge(ws, {
      waitMs: options.waitMs ?? 20_000,
      pollMs: 100,
      prune: () => Boolean(options.prune),
      globalLimit: 8,
      signal: new AbortController().signal,
      sink,
      generator: 'test',
    });
    return { ...report, events };
  } finally {
    await ws.close();
  }
}

export const IM_AUTH = 'id = im; type = InfrastructureManager; username = tester; password = tester-pw\nid = dummy; type = Dummy\n';

export function imBackend(url: string): string {
  return `apiVersion: converge/v1\nkind: Backend\nmetadata: {name: im}\nspec: {type: im, url: "${url}", credentials: {fromFile: auth.dat}}\n`;
}

export function infrastructure(name: string, body: string): string {
  return `apiVersion: converge/v1\nkind: Infrastructure\nmetadata: {name: ${name}}\nspec:\n  backend: im\n${body}`;
}
