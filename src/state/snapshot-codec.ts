/**
 * Parsing and creating state snapshots. Parsing checks the envelope (format, lineage, serial,
 * owner, objects) and not each record: records are written only by converge itself, and a
 * half-checked document is worse than a clearly corrupt one.
 */
import { randomUUID } from 'node:crypto';
import { ConvergeError } from '../errors/converge-error.js';
import type { StateSnapshot } from './types.js';

/** newSnapshot returns an empty, never-written state with a fresh lineage at serial 0. */
export function newSnapshot(owner?: string): StateSnapshot {
  const lineage = randomUUID();
  return { formatVersion: 1, lineage, serial: 0, owner: owner ?? lineage, objects: {} };
}

/**
 * parseSnapshot turns the text of a state file into a snapshot. Unparseable text or a bad envelope
 * throws TERMINAL STATE_CORRUPT; a formatVersion other than 1 throws TERMINAL
 * STATE_FORMAT_UNSUPPORTED (written by a newer converge, not corrupt). Both name `path`.
 */
export function parseSnapshot(text: string, path: string): StateSnapshot {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw corrupt(path, `not valid JSON (${(error as Error).message})`, error);
  }
  if (!isRecord(value)) throw corrupt(path, 'not a JSON object');
  if (value.formatVersion !== 1) {
    throw new ConvergeError(
      'TERMINAL',
      'STATE_FORMAT_UNSUPPORTED',
      `state file ${path} has formatVersion ${JSON.stringify(value.formatVersion)}; this converge reads version 1`,
      { path, formatVersion: String(value.formatVersion) },
    );
  }
  const problem = envelopeProblem(value);
  if (problem !== undefined) throw corrupt(path, problem);
  return value as unknown as StateSnapshot;
}

function envelopeProblem(value: Record<string, unknown>): string | undefined {
  if (typeof value.lineage !== 'string' || value.lineage === '') return 'lineage is missing';
  if (!Number.isSafeInteger(value.serial) || (value.serial as number) < 0) return 'serial is not a non-negative integer';
  if (typeof value.owner !== 'string' || value.owner === '') return 'owner is missing';
  if (!isRecord(value.objects)) return 'objects is not an object';
  return undefined;
}

function corrupt(path: string, reason: string, cause?: unknown): ConvergeError {
  return new ConvergeError(
    'TERMINAL',
    'STATE_CORRUPT',
    `state file ${path} is corrupt: ${reason}; it was left untouched (restore it from ${path}.backup or fix it by hand)`,
    { path },
    { cause },
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
