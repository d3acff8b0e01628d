/**
 * Unit conversion for documents that already passed checkUnits: a failure here is a bug in the
 * loader, not a user error, hence the throw.
 */
import { parseDuration, parseRate, parseSize, type UnitResult } from '../units.js';

/** bytesOf converts a checked size string to bytes. */
export function bytesOf(size: string): number {
  return unwrap(parseSize(size), size);
}

/** millisecondsOf converts a checked duration string (or the default) to milliseconds. */
export function millisecondsOf(duration: string | undefined, fallback: string): number {
  return unwrap(parseDuration(duration ?? fallback), duration ?? fallback);
}

/** bitsPerSecondOf converts a checked rate string to bits per second. */
export function bitsPerSecondOf(rate: string): number {
  return unwrap(parseRate(rate), rate);
}

function unwrap(result: UnitResult, input: string): number {
  if (!result.ok) throw new Error(`internal: unchecked unit ${JSON.stringify(input)} reached conversion`);
  return result.value;
}
