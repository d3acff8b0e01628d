/**
 * Parsing of command-line values shared by several commands. A bad value is a usage error
 * (exit 4) that names the flag.
 */
import { ConvergeError } from '../errors/converge-error.js';
import { parseDuration } from '../manifest/units.js';

export function durationFlag(flag: string, value: string): number {
  const parsed = parseDuration(value);
  if (!parsed.ok) throw new ConvergeError('INVALID', 'USAGE', `${flag} ${value}: ${parsed.message}`);
  return parsed.value;
}

export function countFlag(flag: string, value: string, min = 0): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new ConvergeError('INVALID', 'USAGE', `${flag} ${value}: expected a whole number ≥ ${min}`);
  return n;
}

/** CommonOptions are accepted by every command that reads manifests and state. */
export interface CommonOptions {
  /** state is `--state`: a state file path or a postgres:// URL. */
  state?: string;
  owner?: string;
  /** workspace is `--workspace`: the workspace of a PostgreSQL state. */
  workspace?: string;
  json?: boolean;
  color?: boolean;
}
