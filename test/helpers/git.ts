/**
 * A throw-away git work tree around a test's manifests, so that the revision converge records
 * (`git rev-parse HEAD`, `-dirty` with changes) can be checked.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-C', dir, '-c', 'user.name=converge-test', '-c', 'user.email=test@example.invalid', '-c', 'commit.gpgsign=false', ...args], { encoding: 'utf8' }).trim();
}

/** commitAll makes `dir` a repository (if needed), ignores .converge/, commits everything and returns HEAD. */
export function commitAll(dir: string, message = 'manifests'): string {
  git(dir, 'init', '-q');
  writeFileSync(join(dir, '.gitignore'), '.converge/\n');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', message);
  return git(dir, 'rev-parse', 'HEAD');
}
