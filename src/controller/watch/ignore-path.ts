/**
 * isIgnoredPath decides which file-system events the manifest watcher drops: editor temp and
 * backup files (vim `*.swp`/`*.swx`/`*~`/its `4913` probe, emacs `.#*` locks and `#*#` autosaves),
 * hidden files and directories (converge's own `.converge/` state among them: writing state must
 * never look like a manifest edit), and node_modules. The loader skips the same hidden entries.
 */
import { basename, relative, sep } from 'node:path';

const TEMP_FILE = /(\.sw[a-px]|~|\.tmp|\.bak)$|^4913$|^#.*#$/;

export function isIgnoredPath(root: string, path: string): boolean {
  const rel = relative(root, path);
  if (rel === '') return false;
  if (rel.startsWith('..')) return true;
  const parts = rel.split(sep);
  if (parts.some((p) => p.startsWith('.') || p === 'node_modules')) return true;
  return TEMP_FILE.test(basename(path));
}
