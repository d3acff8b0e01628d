/**
 * Diagnostics are how manifest problems travel: plain data, never exceptions, printed in the
 * compiler convention `file:line:col: error: message [CODE]` that editors and CI annotate.
 */
import { isAbsolute, relative, sep } from 'node:path';
import type { Diagnostic, ManifestSet } from './types.js';

/** formatDiagnostic renders exactly `file:line:col: error: message [CODE]` (or `warning:`). */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.col}: ${d.severity}: ${d.message} [${d.code}]`;
}

/** hasErrors is true when any diagnostic is an error; callers must then treat the set as invalid. */
export function hasErrors(set: Pick<ManifestSet, 'diagnostics'>): boolean {
  return set.diagnostics.some((d) => d.severity === 'error');
}

/**
 * displayPath is how diagnostics name a file: relative to the working directory when the file is
 * inside it (short, clickable in terminals), absolute otherwise.
 */
export function displayPath(absolutePath: string): string {
  const rel = relative(process.cwd(), absolutePath);
  if (rel === '') return '.';
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return absolutePath;
  return rel;
}

/**
 * sortDiagnostics orders diagnostics by file (in load order, so directory-level problems come
 * first), then line and column; the sort is stable, so problems at one spot keep their order.
 */
export function sortDiagnostics(diagnostics: Diagnostic[], fileOrder: readonly string[]): Diagnostic[] {
  const rank = new Map(fileOrder.map((file, i) => [file, i]));
  return [...diagnostics].sort(
    (a, b) => (rank.get(a.file) ?? -1) - (rank.get(b.file) ?? -1) || a.line - b.line || a.col - b.col,
  );
}
