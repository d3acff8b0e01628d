/**
 * withTakeoverGuard runs `fn` while holding a short-lived guard file (`<lock>.takeover`, created
 * with `wx`), or returns `busy` without running it if another contender holds the guard.
 *
 * Why: removing a stale lock is "check that it is still the stale file, then remove it", and two
 * contenders doing that concurrently across processes can remove each other's fresh lock (one
 * takes over and creates its lock between the other's check and removal). Only guard holders
 * remove locks of others, so under the guard the lock path changes only by its owner's own
 * release or renewal. The guard is held for a few syscalls and names its holder ("pid host"); one
 * left behind by a crash inside that window is ignored at once when its holder is a dead process
 * on this host (runs killed one after another would otherwise block each other), and otherwise
 * once older than `staleAfterMs`.
 */
import { open, readFile, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { hasCode } from './atomic-file.js';
import { isPidAlive, processStart } from './lock-holder.js';

export const BUSY = Symbol('busy');

export async function withTakeoverGuard<T>(lockPath: string, staleAfterMs: number, fn: () => Promise<T>): Promise<T | typeof BUSY> {
  const guard = `${lockPath}.takeover`;
  const held = (await tryCreate(guard)) || ((await clearAbandoned(guard, staleAfterMs)) && (await tryCreate(guard)));
  if (!held) return BUSY;
  try {
    return await fn();
  } finally {
    await rm(guard, { force: true });
  }
}

async function tryCreate(guard: string): Promise<boolean> {
  try {
    const handle = await open(guard, 'wx', 0o600);
    try {
      await handle.writeFile(`${process.pid} ${hostname()} ${processStart(process.pid) ?? ''}`.trim());
    } finally {
      await handle.close();
    }
    return true;
  } catch (error) {
    if (hasCode(error, 'EEXIST')) return false;
    throw error;
  }
}

/** clearAbandoned removes a guard older than `staleAfterMs`; true if the guard is now gone. */
async function clearAbandoned(guard: string, staleAfterMs: number): Promise<boolean> {
  try {
    const young = Date.now() - (await stat(guard)).mtimeMs <= staleAfterMs;
    if (young && !(await holderIsDead(guard))) return false;
  } catch (error) {
    if (hasCode(error, 'ENOENT')) return true;
    throw error;
  }
  await rm(guard, { force: true });
  return true;
}

/** holderIsDead: the guard names a process on this host that no longer exists. */
async function holderIsDead(guard: string): Promise<boolean> {
  const [pid, host, start] = (await readFile(guard, 'utf8').catch(() => '')).trim().split(' ');
  return host === hostname() && pid !== undefined && /^\d+$/.test(pid) && !isPidAlive(Number(pid), start);
}
