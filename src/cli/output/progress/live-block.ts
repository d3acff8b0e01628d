/**
 * LiveBlock keeps a block of lines at the bottom of a terminal and redraws it in place, with
 * permanent lines printed above it. Hand-written (cursor-up, erase-down): log-update would do
 * the same with five dependencies; lines are cut to the terminal width so that none wraps and
 * the cursor arithmetic stays exact.
 */
const ESC = '\u001b[';

export class LiveBlock {
  readonly #stream: NodeJS.WriteStream;
  #drawn = 0;
  #block: string[] = [];

  constructor(stream: NodeJS.WriteStream) {
    this.#stream = stream;
  }

  /** print writes permanent lines above the block; the block reappears at the next update. */
  print(text: string): void {
    this.#stream.write(`${this.#erase()}${text}\n`);
  }

  /** update replaces the block's lines. */
  update(lines: string[]): void {
    this.#block = lines;
    this.#stream.write(`${this.#erase()}${this.#render()}`);
  }

  /** done erases the block, leaving only permanent lines. */
  done(): void {
    this.#block = [];
    this.#stream.write(this.#erase());
  }

  /** #erase moves to the block's first line and clears down; nothing when nothing is drawn. */
  #erase(): string {
    if (this.#drawn === 0) return '';
    const up = `${ESC}${this.#drawn}A`;
    this.#drawn = 0;
    return `\r${up}${ESC}J`;
  }

  #render(): string {
    const width = Math.max(20, (this.#stream.columns || 80) - 1);
    this.#drawn = this.#block.length;
    return this.#block.map((line) => `${truncate(line, width)}\n`).join('');
  }
}

/** truncate cuts a line to `width` visible characters, keeping colour codes and closing them. */
export function truncate(line: string, width: number): string {
  let visible = 0;
  let out = '';
  for (let i = 0; i < line.length; i += 1) {
    if (line[i] === '\u001b') {
      const end = line.indexOf('m', i);
      if (end > i) {
        out += line.slice(i, end + 1);
        i = end;
        continue;
      }
    }
    if (visible >= width - 1 && i < line.length - 1) return `${out}…${ESC}0m`;
    out += line[i];
    visible += 1;
  }
  return out;
}
