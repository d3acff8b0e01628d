/**
 * Headless Chromium (Debian's `chromium` package) for tests that render the status page. The
 * browser is installed by scripts/ensure-chromium.sh when missing; flags keep it off the network
 * and out of the user's profile.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './cli.js';

const run = promisify(execFile);

export async function ensureChromium(): Promise<void> {
  await run('bash', [join(ROOT, 'scripts', 'ensure-chromium.sh')], { timeout: 300_000 });
}

/** chromium runs headless Chromium with `args` and a throw-away profile; returns stdout. */
export async function chromium(args: string[]): Promise<string> {
  const profile = await mkdtemp(join(tmpdir(), 'converge-chromium-'));
  try {
    const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage', `--user-data-dir=${profile}`];
    const { stdout } = await run('chromium', [...flags, ...args], { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
}
