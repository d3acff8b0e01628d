/**
 * LineTable holds, for one text, where each line starts, how many spaces indent it and whether it
 * holds content (not blank, not only a comment), so that the fast path's outdented-line check
 * reads two numbers per line instead of scanning each line's spaces again for every block
 * collection that contains it (a line of a document nested five deep was scanned five times).
 */
export class LineTable {
  /** starts[i] is the offset of line i + 1 (the line after the i-th '\n'); line 0 is not needed. */
  readonly #starts: Int32Array;
  /** indents[i]: leading spaces of that line when it holds content; -1 - spaces when only '\n' or '#' (or the end) follows them. */
  readonly #indents: Int32Array;

  constructor(private readonly text: string) {
    let count = 0;
    for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) count += 1;
    this.#starts = new Int32Array(count);
    this.#indents = new Int32Array(count);
    let i = 0;
    for (let at = text.indexOf('\n') + 1; at > 0; at = text.indexOf('\n', at) + 1, i += 1) {
      let indent = 0;
      while (text.charCodeAt(at + indent) === 0x20) indent += 1;
      const c = text.charCodeAt(at + indent);
      this.#starts[i] = at;
      this.#indents[i] = c === c && c !== 0x0a && c !== 0x23 ? indent : -1 - indent;
    }
  }

  /**
   * hasOutdentedLine: a content line inside a block collection (from `start`, its first
   * character, to `end`, where js-yaml closed it) indented less than the collection itself.
   * `yaml` reports it (entries must line up); js-yaml takes some of them as entries.
   */
  hasOutdentedLine(start: number, end: number): boolean {
    const column = start - (this.text.lastIndexOf('\n', start - 1) + 1);
    if (column === 0) return false;
    for (let i = this.#firstLineAfter(start); i < this.#starts.length; i += 1) {
      const at = this.#starts[i]!;
      const stored = this.#indents[i]!;
      const content = stored >= 0;
      const indent = content ? stored : -1 - stored;
      if (at >= end || at + indent >= end) break;
      if (content && indent < column) return true;
    }
    return false;
  }

  /** firstLineAfter: the index of the first line starting after `offset` (binary search). */
  #firstLineAfter(offset: number): number {
    let low = 0;
    let high = this.#starts.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.#starts[middle]! <= offset) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
