/**
 * IM's USER_DB file: JSON `{"users": [{"username": "...", "password": "..."}]}`. With it, only
 * the listed pairs may call (`Invalid InfrastructureManager credentials` for anyone else, on
 * every call); without it any pair is a new identity. The file is read once; its passwords stay
 * in memory only and are never written anywhere by the simulator.
 */
import { readFileSync } from 'node:fs';
import type { UserRecord } from './auth.js';

/** readUserDb parses a USER_DB file, or throws a message naming the file and what is wrong. */
export function readUserDb(path: string): UserRecord[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`${path}: not a readable JSON user DB (${(error as Error).message})`);
  }
  const users = (parsed as { users?: unknown } | null)?.users;
  if (!Array.isArray(users)) throw new Error(`${path}: expected {"users": [{"username": ..., "password": ...}]}`);
  return users.map((user: unknown, index) => {
    const { username, password } = (user ?? {}) as Record<string, unknown>;
    if (typeof username !== 'string' || username === '' || typeof password !== 'string') {
      throw new Error(`${path}: users[${index}] needs a username and a password (strings)`);
    }
    return { username, password };
  });
}
