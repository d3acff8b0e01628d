/**
 * Maps a FieldPath to a position in the YAML source, using the parsed Document's node ranges and
 * the file's LineCounter. This is what turns an ajv instancePath into `file:line:col`.
 */
import type { Document, LineCounter, Node } from 'yaml';
import { yaml } from './lazy-yaml.js';
import type { FieldPath } from './field-path.js';

/** Anchor says whether a problem is about a mapping key (unknown field) or its value. */
export type Anchor = 'key' | 'value';

/** NodeMatch is the deepest node reached along a path, with the key node of its pair if any. */
interface NodeMatch {
  value: Node | undefined;
  key: Node | undefined;
  complete: boolean;
}

/** renamings lets callers use typed field names (`memoryBytes`) for manifest ones (`memory`). */
export type KeyRenames = Readonly<Record<string, string>>;

/**
 * findNode walks the document along `path` and returns the deepest node it reaches. Keys are
 * compared as strings; aliases are followed; `renames` is tried when a key is not found.
 */
export function findNode(doc: Document, path: FieldPath, renames: KeyRenames = {}): NodeMatch {
  let match: NodeMatch = { value: asNode(doc.contents), key: undefined, complete: true };
  for (const segment of path) {
    const current = resolve(doc, match.value);
    const next = current === undefined ? undefined : childOf(current, segment, renames);
    if (next === undefined) return { ...match, complete: false };
    match = { value: next.value, key: next.key, complete: true };
  }
  return match;
}

function childOf(node: Node, segment: string | number, renames: KeyRenames): Omit<NodeMatch, 'complete'> | undefined {
  const { isMap, isNode, isScalar, isSeq } = yaml();
  if (isSeq(node)) {
    const item = typeof segment === 'number' ? node.items[segment] : undefined;
    return isNode(item) ? { value: item, key: undefined } : undefined;
  }
  if (!isMap(node)) return undefined;
  const wanted = [String(segment), renames[String(segment)]].filter((k): k is string => k !== undefined);
  for (const name of wanted) {
    const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === name);
    if (pair) return { value: asNode(pair.value), key: asNode(pair.key) };
  }
  return undefined;
}

function resolve(doc: Document, node: Node | undefined): Node | undefined {
  if (node !== undefined && yaml().isAlias(node)) return asNode(node.resolve(doc));
  return node;
}

function asNode(value: unknown): Node | undefined {
  return yaml().isNode(value) ? value : undefined;
}

/**
 * locateOffset picks the source offset for a problem at `path`: the key for key problems, the
 * value for value problems (the key for a block collection as a whole), falling back to whatever
 * part of the path exists (never throws).
 */
export function locateOffset(doc: Document, path: FieldPath, anchor: Anchor, renames?: KeyRenames): number {
  const match = findNode(doc, path, renames);
  const keyFirst = anchor === 'key' || !match.complete || isBlockCollection(match.value);
  const preferred = keyFirst ? [match.key, match.value] : [match.value, match.key];
  for (const node of preferred) {
    const start = node?.range?.[0];
    if (start !== undefined) return start;
  }
  return doc.range?.[0] ?? 0;
}

/** A problem with a whole block mapping or sequence reads best at its key (`credentials:`). */
function isBlockCollection(node: Node | undefined): boolean {
  const { isMap, isSeq } = yaml();
  return (isMap(node) || isSeq(node)) && !node.flow;
}

/** positionOf converts an offset to the 1-based line and column the LineCounter knows. */
export function positionOf(lineCounter: LineCounter, offset: number): { line: number; col: number } {
  const pos = lineCounter.linePos(offset);
  return { line: Math.max(1, pos.line), col: Math.max(1, pos.col) };
}
