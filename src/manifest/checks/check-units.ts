/**
 * Sizes and durations are strings with explicit units. This check runs on every document of a
 * known kind, whether or not it passed the schema, so that all unit problems show up in one run;
 * conversion later relies on it (a document with a bad unit never reaches conversion).
 */
import { formatFieldPath, type FieldPath } from '../field-path.js';
import { report, type ManifestDocument } from '../manifest-document.js';
import { isRecord } from '../raw-value.js';
import type { Kind } from '../types.js';
import { parseDuration, parseRate, parseSize, type UnitResult } from '../units.js';

/** UnitField is a path pattern (`*` matches every array item) and how to parse what is there. */
interface UnitField {
  pattern: Array<string | '*'>;
  unit: 'size' | 'duration' | 'rate';
}

/** UNIT_FIELDS lists every field, per kind, that holds a size or a duration. */
export const UNIT_FIELDS: Record<Kind, readonly UnitField[]> = {
  Backend: [
    { pattern: ['spec', 'timeouts', 'call'], unit: 'duration' },
    { pattern: ['spec', 'timeouts', 'connect'], unit: 'duration' },
    { pattern: ['spec', 'timeouts', 'mutate'], unit: 'duration' },
    { pattern: ['spec', 'timeouts', 'settle'], unit: 'duration' },
  ],
  Infrastructure: [
    { pattern: ['spec', 'systems', '*', 'memory'], unit: 'size' },
    { pattern: ['spec', 'systems', '*', 'disks', '*', 'size'], unit: 'size' },
    { pattern: ['spec', 'networks', '*', 'capacity'], unit: 'rate' },
    { pattern: ['spec', 'networks', '*', 'latency'], unit: 'duration' },
  ],
  Slice: [
    { pattern: ['spec', 'renewal', 'renewBefore'], unit: 'duration' },
    { pattern: ['spec', 'renewal', 'extendTo'], unit: 'duration' },
  ],
  VesselSet: [{ pattern: ['spec', 'renewal', 'margin'], unit: 'duration' }],
};

const PARSERS: Record<UnitField['unit'], (value: string | number) => UnitResult> = { size: parseSize, duration: parseDuration, rate: parseRate };

/** checkUnits reports BAD_UNIT / BAD_DURATION at each unparseable size or duration. */
export function checkUnits(document: ManifestDocument, kind: Kind): void {
  for (const field of UNIT_FIELDS[kind]) {
    visitUnitField(document.value, field.pattern, 0, [], (value, path) => {
      const result: UnitResult = PARSERS[field.unit](value);
      if (result.ok) return;
      const code = field.unit === 'duration' ? 'BAD_DURATION' : 'BAD_UNIT';
      report(document, code, path, `${formatFieldPath(path)}: ${result.message}`, { supersede: path });
    });
  }
}

/**
 * visitUnitField calls `visit` with each string or number the pattern reaches from `node`, in
 * document order (`*` takes every array item), and that value's path (a copy: `path` is reused).
 */
function visitUnitField(
  node: unknown,
  pattern: ReadonlyArray<string | '*'>,
  at: number,
  path: FieldPath,
  visit: (value: string | number, path: FieldPath) => void,
): void {
  if (at === pattern.length) {
    if (typeof node === 'string' || typeof node === 'number') visit(node, [...path]);
    return;
  }
  const segment = pattern[at]!;
  if (segment !== '*') {
    path.push(segment);
    visitUnitField(isRecord(node) ? node[segment] : undefined, pattern, at + 1, path, visit);
    path.pop();
    return;
  }
  if (!Array.isArray(node)) return;
  for (let i = 0; i < node.length; i += 1) {
    path.push(i);
    visitUnitField(node[i], pattern, at + 1, path, visit);
    path.pop();
  }
}
