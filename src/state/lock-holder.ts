/**
 * LockHolder values: creating and renewing them, reading them back from a lock file, deciding
 * whether one is stale, and the STATE_LOCKED error that names one.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { ConvergeError } from '../errors/converge-error.js';
import type { LockHolder } from './types.js';

/** makeHolder describes this process as a new holder whose lease ends `ttlMs` after `nowMs`. */
export function makeHolder(command: string, ttlMs: number, nowMs: number): LockHolder {
  const at = new Date(nowMs).toISOString();
  return {
    id: randomUUID(),
    pid: process.pid,
    ...(processStart(process.pid) ? { pidStart: processStart(process.pid)! } : {}),
    host: hostname(),
    user: currentUser(),
    command,
    acquiredAt: at,
    heartbeatAt: at,
    expiresAt: new Date(nowMs + ttlMs).toISOString(),
  };
}

/** renewHolder returns `holder` with its heartbeat at `nowMs` and its lease extended by `ttlMs`. */
export function renewHolder(holder: LockHolder, ttlMs: number, nowMs: number): LockHolder {
  return { ...holder, heartbeatAt: new Date(nowMs).toISOString(), expiresAt: new Date(nowMs + ttlMs).toISOString() };
}

/** encodeHolder is the lock file's content. */
export function encodeHolder(holder: LockHolder): string {
  return `${JSON.stringify(holder)}\n`;
}

/**
 * parseHolder reads a lock file's text. A file that does not hold a valid LockHolder (empty
 * because its creator is still writing it or crashed before writing, or damaged) is reported as
 * an unknown holder whose lease runs `ttlMs` from the file's mtime, so it blocks like any lock
 * and becomes stale like any lock.
 */
export function parseHolder(text: string, mtimeMs: number, ttlMs: number): LockHolder {
  try {
    const value: unknown = JSON.parse(text);
    if (isHolder(value)) return value;
  } catch {
    // fall through to the unknown holder
  }
  return {
    id: 'unreadable',
    pid: 0,
    host: 'unknown',
    user: 'unknown',
    command: 'unreadable lock file',
    acquiredAt: new Date(mtimeMs).toISOString(),
    heartbeatAt: new Date(mtimeMs).toISOString(),
    expiresAt: new Date(mtimeMs + ttlMs).toISOString(),
  };
}

/** holderIdOf returns the id in a lock file's text, or undefined if it holds none. */
export function holderIdOf(text: string): string | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isHolder(value) ? value.id : undefined;
  } catch {
    return undefined;
  }
}

/**
 * staleReason says why `holder` no longer holds the lock at `nowMs` (its lease expired, or it is a
 * process on this host that no longer exists), or undefined if it is live.
 */
export function staleReason(holder: LockHolder, nowMs: number): 'expired' | 'dead' | undefined {
  const expiresAt = Date.parse(holder.expiresAt);
  if (!Number.isFinite(expiresAt) || expiresAt < nowMs) return 'expired';
  if (holder.host === hostname() && !isPidAlive(holder.pid, holder.pidStart)) return 'dead';
  return undefined;
}

/**
 * isPidAlive probes a local pid with signal 0 (EPERM means it exists under another user). With
 * `start`, a live pid whose process started at another time is a reused pid: its holder is dead.
 * (pid_max is often 32768, and CI machines spawn processes fast enough to reuse pids in minutes.)
 */
export function isPidAlive(pid: number, start?: string): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return true; // never probe groups; let expiry decide
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as { code?: string }).code !== 'ESRCH';
  }
  const now = start === undefined ? undefined : processStart(pid);
  return now === undefined || now === start;
}

/** processStart is a process's start time in clock ticks since boot (Linux), or undefined. */
export function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22; the command name (field 2) may hold spaces, so count from after its ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** lockedError is the CONFLICT a run gets when the lock stays held past its timeout. */
export function lockedError(holder: LockHolder, lockPath: string): ConvergeError {
  return new ConvergeError(
    'CONFLICT',
    'STATE_LOCKED',
    `state is locked by ${holder.user}@${holder.host} pid ${holder.pid} (${holder.command}) since ${holder.acquiredAt}`,
    { lockPath, ...holder },
  );
}

function isHolder(value: unknown): value is LockHolder {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  const strings = ['id', 'host', 'user', 'command', 'acquiredAt', 'heartbeatAt', 'expiresAt'];
  return typeof v.pid === 'number' && strings.every((key) => typeof v[key] === 'string');
}

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    // userInfo throws when the uid has no passwd entry (common in containers).
    return process.env.USER ?? process.env.USERNAME ?? 'unknown';
  }
}
