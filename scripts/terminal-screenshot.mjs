// `npm run screenshot:terminal`: shows the terminal view of `converge reconcile` in the docs. It
// runs the compiled CLI (npm run build first) on a temporary copy of manifests/ (embedded
// simulators) under a pseudo-terminal (util-linux `script`), replays what it wrote, and saves two
// screens — mid-run (the live block: objects in flight and the count) and the final one — as
// docs/images/terminal-view.txt and, rendered in headless Chromium, docs/images/terminal-view.png.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { terminalScreen } = await import(join(root, 'dist', 'src', 'cli', 'output', 'progress', 'terminal-screen.js'));
const work = mkdtempSync(join(tmpdir(), 'converge-terminal-'));
const dir = join(work, 'manifests');
cpSync(join(root, 'manifests'), dir, { recursive: true, filter: (src) => !src.includes('.converge') });
const quote = (s) => `'${s.replace(/'/g, `'\\''`)}'`;
try {
  const command = `${quote(process.execPath)} ${quote(join(root, 'dist', 'src', 'cli', 'main.js'))} reconcile ${quote(dir)} --auto-approve`;
  const raw = execFileSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8', env: { ...process.env, TERM: 'xterm', COLUMNS: '110' } });
  const final = terminalScreen(raw);
  const middle = terminalScreen(raw.slice(0, busiestFrameEnd(raw)));
  const text = `$ converge reconcile manifests        # while it runs\n${middle.join('\n')}\n\n$ converge reconcile manifests        # when it ends\n${final.join('\n')}\n`;
  writeFileSync(join(root, 'docs', 'images', 'terminal-view.txt'), text);
  const html = `<!doctype html><meta charset="utf-8"><body style="margin:0;background:#1e1e1e"><pre style="margin:0;padding:16px;white-space:pre-wrap;color:#e0e0e0;font:13px/1.35 'DejaVu Sans Mono',monospace">${text.replace(/[&<>]/g, (c) => `&#${c.charCodeAt(0)};`)}</pre></body>`;
  const page = join(work, 'terminal.html');
  writeFileSync(page, html);
  const out = join(root, 'docs', 'images', 'terminal-view.png');
  execFileSync('chromium', [
    '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--disable-dev-shm-usage', '--hide-scrollbars', `--user-data-dir=${join(work, 'profile')}`,
    `--screenshot=${out}`, `--window-size=980,${Math.min(1600, 40 + 18 * text.split('\n').length)}`, `file://${page}`,
  ], { stdio: 'ignore', timeout: 60_000 });
  console.log(`wrote ${out} and docs/images/terminal-view.txt`);
} finally {
  rmSync(work, { recursive: true, force: true });
}

/** busiestFrameEnd: where the live block last showed the most objects in flight (end of its count line). */
function busiestFrameEnd(raw) {
  let best = { inFlight: -1, end: raw.length };
  for (const match of raw.matchAll(/, (\d+) in flight\][^\r\n]*/g)) {
    const inFlight = Number(match[1]);
    if (inFlight >= best.inFlight) best = { inFlight, end: match.index + match[0].length };
  }
  return best.end;
}
