/**
 * LineStarts is a LineCounter (the `yaml` package's class, which diagnostics and locateField take)
 * built without loading `yaml`: the same public fields, and linePos is the same binary search, so
 * it answers exactly as yaml's does for the same line starts.
 */
import type { LineCounter } from 'yaml';

export class LineStarts implements LineCounter {
  lineStarts: number[] = [];

  addNewLine = (offset: number): number => this.lineStarts.push(offset);

  /** linePos: the 1-based line and column of `offset` (line 0 before the first known line start). */
  linePos = (offset: number): { line: number; col: number } => {
    let low = 0;
    let high = this.lineStarts.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.lineStarts[mid]! < offset) low = mid + 1;
      else high = mid;
    }
    if (this.lineStarts[low] === offset) return { line: low + 1, col: 1 };
    if (low === 0) return { line: 0, col: offset };
    const start = this.lineStarts[low - 1]!;
    return { line: low, col: offset - start + 1 };
  };
}
