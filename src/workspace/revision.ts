/**
 * manifestsRevision names the git commit the manifests directory is at (with `-dirty` when it has
 * uncommitted changes), recorded with every apply; undefined outside a git work tree.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export async function manifestsRevision(dir: string): Promise<string | undefined> {
  try {
    const { stdout: head } = await run('git', ['-C', dir, 'rev-parse', 'HEAD'], { timeout: 5000 });
    const { stdout: dirty } = await run('git', ['-C', dir, 'status', '--porcelain', '--', '.'], { timeout: 5000 });
    return `${head.trim()}${dirty.trim() ? '-dirty' : ''}`;
  } catch {
    return undefined;
  }
}
