/**
 * stringifySorted renders `value` as pretty JSON (2 spaces, trailing newline) with object keys in
 * sorted order at every depth, so that two writes of equal data are byte-identical and a state
 * file diffs readably under version control. Array order is kept.
 */
export function stringifySorted(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}

function sortKeys(input: unknown): unknown {
  // Honour toJSON (e.g. Date) first, as JSON.stringify would, so sorting never loses a value.
  const value = hasToJSON(input) ? input.toJSON() : input;
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
  }
  return sorted;
}

function hasToJSON(value: unknown): value is { toJSON(): unknown } {
  return value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function';
}
