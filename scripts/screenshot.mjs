// `npm run screenshot`: renders the `converge watch` status page of the example manifests in
// headless Chromium and saves it as docs/images/status-page.png for the docs. It runs the
// compiled CLI (npm run build first) on a temporary copy of manifests/ (embedded simulators,
// inside a throw-away git repository so the page shows a revision), waits until every resource
// is Ready, takes the screenshot and stops the controller with SIGTERM.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'docs', 'images', 'status-page.png');
const work = mkdtempSync(join(tmpdir(), 'converge-screenshot-'));
const dir = join(work, 'manifests');
cpSync(join(root, 'manifests'), dir, { recursive: true, filter: (src) => !src.includes('.converge') });
writeFileSync(join(work, '.gitignore'), '.converge/\n');
const git = (...args) => execFileSync('git', ['-C', work, '-c', 'user.name=converge', '-c', 'user.email=converge@example.invalid', '-c', 'commit.gpgsign=false', ...args]);
git('init', '-q');
git('add', '-A');
git('commit', '-q', '-m', 'example manifests');

const watch = spawn(process.execPath, [join(root, 'dist', 'src', 'cli', 'main.js'), 'watch', dir, '--listen', '127.0.0.1:0', '--resync', '1h'], { stdio: ['ignore', 'pipe', 'inherit'] });
try {
  const url = await new Promise((resolveUrl, reject) => {
    let text = '';
    watch.stdout.on('data', (chunk) => {
      text += chunk;
      const match = /"url":"([^"]+)"/.exec(text);
      if (match) resolveUrl(match[1]);
    });
    watch.on('close', (code) => reject(new Error(`converge watch exited with ${code}`)));
  });
  for (const deadline = Date.now() + 60_000; ; ) {
    const doc = await (await fetch(`${url}/status`)).json();
    const desired = doc.resources.filter((r) => r.inManifests);
    if (desired.length > 0 && desired.every((r) => r.conditions.Ready.status === 'True')) break;
    if (Date.now() > deadline) throw new Error('the example resources did not become Ready within 60 s');
    await new Promise((r) => setTimeout(r, 200));
  }
  mkdirSync(dirname(out), { recursive: true });
  const profile = join(work, 'chromium-profile');
  execFileSync('chromium', [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage', '--hide-scrollbars', `--user-data-dir=${profile}`,
    `--screenshot=${out}`, '--window-size=1200,800', `${url}/`,
  ], { stdio: 'ignore', timeout: 60_000 });
  console.log(`wrote ${out}`);
} finally {
  watch.kill('SIGTERM');
  await new Promise((r) => watch.once('close', r));
  rmSync(work, { recursive: true, force: true });
}
