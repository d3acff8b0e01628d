/**
 * manifestsRevision names the git commit the manifests directory is at (with `-dirty` when it has
 * uncommitted changes), recorded with every apply; undefined outside a git work tree.
 */
import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export async function manifestsRevision(dir: string): Promise<string | undefined> {
  if (!(await mayBeInGitWorkTree(dir))) return undefined;
  try {
    const { stdout: head } = await run('git', ['-C', dir, 'rev-parse', 'HEAD'], { timeout: 5000 });
    const { stdout: dirty } = await run('git', ['-C', dir, 'status', '--porcelain', '--', '.'], { timeout: 5000 });
    return `${head.trim()}${dirty.trim() ? '-dirty' : ''}`;
  } catch {
    return undefined;
  }
}

/**
 * mayBeInGitWorkTree: a `.git` entry in `dir` or above it, or GIT_DIR set. Without either, git
 * would only answer "not a git repository", and the watch controller reloads without spawning it.
 */
async function mayBeInGitWorkTree(dir: string): Promise<boolean> {
  if (process.env.GIT_DIR) return true;
  for (let at = resolve(dir); ; at = dirname(at)) {
    if (await stat(join(at, '.git')).then(() => true, () => false)) return true;
    if (dirname(at) === at) return false;
  }
}
