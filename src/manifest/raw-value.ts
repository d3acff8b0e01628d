/**
 * Tolerant accessors for the plain values of documents that may not have passed the schema yet:
 * checks that run on every document (references, members, units) must not trip over bad shapes.
 */
import type { FieldPath } from './field-path.js';
import type { SourceLocation } from './types.js';

/** isRecord is true for a plain mapping (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** valueAt reads `path` from a plain value, or undefined where the shape does not fit. */
export function valueAt(root: unknown, path: FieldPath): unknown {
  let current: unknown = root;
  for (const segment of path) {
    if (Array.isArray(current) && typeof segment === 'number') current = current[segment];
    else if (isRecord(current) && typeof segment === 'string') current = current[segment];
    else return undefined;
  }
  return current;
}

/** stringAt reads a string at `path`, or undefined. */
export function stringAt(root: unknown, path: FieldPath): string | undefined {
  const value = valueAt(root, path);
  return typeof value === 'string' ? value : undefined;
}

/** formatLocation renders `file:line:col` for messages that point elsewhere. */
export function formatLocation(location: SourceLocation): string {
  return `${location.file}:${location.line}:${location.col}`;
}
