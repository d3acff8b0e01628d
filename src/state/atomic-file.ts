/**
 * Small durable-file helpers shared by the state store, the lock and the journal. Written by hand
 * because each needs a precise sequence (temp in the same directory, fsync, rename, fsync dir)
 * that generic "write file" libraries either hide or skip.
 */
import { randomUUID } from 'node:crypto';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** FileText is a file's content together with the inode it was read from. */
export interface FileText {
  text: string;
  ino: number;
  mtimeMs: number;
}

/**
 * writeFileAtomic replaces `path` with `content` so that a crash at any moment leaves either the
 * old file or the new one, never a torn one: temp file in the same directory, fsync, rename, fsync
 * of the directory. The temp file is removed if anything before the rename fails.
 */
export async function writeFileAtomic(path: string, content: string, mode = 0o600): Promise<void> {
  const tmp = tempPathFor(path);
  try {
    const handle = await open(tmp, 'wx', mode);
    try {
      await handle.writeFile(content, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
  await fsyncDir(dirname(path));
}

/** tempPathFor names a unique sibling of `path`; the `.tmp-` infix lets tests find strays. */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${randomUUID().slice(0, 8)}`);
}

/**
 * fsyncDir makes renames and creations inside `dir` durable. Some platforms (Windows) cannot open a
 * directory for sync; durability there is best effort, so EISDIR/EPERM/EINVAL are ignored.
 */
export async function fsyncDir(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (error) {
    if (!hasCode(error, 'EISDIR', 'EPERM', 'EINVAL', 'EACCES')) throw error;
  } finally {
    await handle?.close();
  }
}

/** readTextIfExists returns the file's text and inode, or undefined if it does not exist. */
export async function readTextIfExists(path: string): Promise<FileText | undefined> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if (hasCode(error, 'ENOENT')) return undefined;
    throw error;
  }
  try {
    const stat = await handle.stat();
    const text = await readFile(handle, 'utf8');
    return { text, ino: stat.ino, mtimeMs: stat.mtimeMs };
  } finally {
    await handle.close();
  }
}

/** hasCode reports whether `error` is a Node system error with one of `codes`. */
export function hasCode(error: unknown, ...codes: string[]): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && codes.includes(code);
}
