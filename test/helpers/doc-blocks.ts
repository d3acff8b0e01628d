/**
 * Fenced code blocks of a Markdown document, with their info string (```sh test → lang `sh`,
 * tags `test`), so that docs can mark the commands the tests run as written.
 */
export interface CodeBlock {
  lang: string;
  tags: string[];
  text: string;
  /** line is the 1-based line of the opening fence. */
  line: number;
}

/** codeBlocks returns every fenced (```) block of `markdown`, in order. */
export function codeBlocks(markdown: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(\S*)\s*(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !/^\s*```\s*$/.test(lines[j]!)) body.push(lines[j++]!);
    blocks.push({ lang: open[2]!, tags: open[3]!.split(/\s+/).filter(Boolean), text: body.join('\n'), line: i + 1 });
    i = j;
  }
  return blocks;
}
