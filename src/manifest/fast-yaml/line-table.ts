/**
 * LineTable holds, for one text, where each line starts, how many spaces indent it and whether it
 * holds content (not blank, not only a comment), so that the fast path's outdented-line check
 * reads three numbers per line instead of scanning each line's spaces again for every block
 * collection that contains it (a line of a document nested five deep was scanned five times).
 */
export class LineTable {
  /** starts[i] is the offset of line i + 1 (the line after the i-th '\n'); line 0 is not needed. */
  readonly #starts: number[] = [];
  /** indents[i]: leading spaces of that line; content[i]: a character other than '\n' or '#' follows them. */
  readonly #indents: number[] = [];
  readonly #content: boolean[] = [];

  constructor(private readonly text: string) {
    for (let at = text.indexOf('\n') + 1; at > 0; at = text.indexOf('\n', at) + 1) {
      let indent = 0;
      while (text.charCodeAt(at + indent) === 0x20) indent += 1;
      const c = text.charCodeAt(at + indent);
      this.#starts.push(at);
      this.#indents.push(indent);
      this.#content.push(c === c && c !== 0x0a && c !== 0x23);
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
      const indent = this.#indents[i]!;
      if (at >= end || at + indent >= end) break;
      if (this.#content[i] && indent < column) return true;
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
