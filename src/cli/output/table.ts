/**
 * formatTable aligns rows under a header, kubectl style (`-o wide`): columns separated by three
 * spaces, the last column unpadded. Written by hand: a dozen lines, where table libraries bring
 * borders and wrapping this output must not have (scripts cut its columns).
 */
export function formatTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('   ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}
