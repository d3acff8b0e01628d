/**
 * Lists the manifest files under a directory: every `*.yaml` / `*.yml`, recursively, in sorted
 * order, skipping hidden entries (.git, .converge, editor files), node_modules and symlinked
 * directories (no loops). Unreadable directories are reported, not thrown, and the walk goes on.
 */
import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { describeFsError } from './fs-errors.js';

/** FileListing holds absolute file paths (sorted) and the paths that could not be read. */
export interface FileListing {
  files: string[];
  problems: Array<{ path: string; message: string }>;
}

const MANIFEST_EXTENSION = /\.ya?ml$/;
const SKIPPED_DIRECTORIES = new Set(['node_modules', '.converge']);

/**
 * findManifestFiles walks `dir`; a path that names a file is taken as the only manifest file.
 * Sorting is by path relative to `dir`, by code unit, so the order is the same on every machine.
 */
export async function findManifestFiles(dir: string): Promise<FileListing> {
  const root = resolve(dir);
  const listing: FileListing = { files: [], problems: [] };
  try {
    if ((await stat(root)).isFile()) return { files: [root], problems: [] };
  } catch (error) {
    return { files: [], problems: [{ path: root, message: `cannot read ${dir}: ${describeFsError(error)}` }] };
  }
  await walk(root, listing);
  // Each file's sort key is computed once (not twice per comparison: 130,000 relative() calls for 5,000 files).
  const keyed = listing.files.map((file) => ({ file, key: relative(root, file) }));
  keyed.sort((a, b) => compare(a.key, b.key));
  return { files: keyed.map((k) => k.file), problems: listing.problems };
}

async function walk(dir: string, listing: FileListing): Promise<void> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    listing.problems.push({ path: dir, message: `cannot read directory: ${describeFsError(error)}` });
    return;
  }
  for (const entry of entries) {
    if (entry.name.startsWith('.') || SKIPPED_DIRECTORIES.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await walk(path, listing);
    else if (MANIFEST_EXTENSION.test(entry.name) && (entry.isFile() || (await isFileLink(path)))) listing.files.push(path);
  }
}

/** A symlink to a file counts as that file; a symlink to a directory is not followed. */
async function isFileLink(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
