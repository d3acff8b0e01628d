/**
 * terminalScreen replays what a program wrote to a terminal and returns the lines left on the
 * screen (the whole scrollback, top to bottom): enough of a VT100 for converge's live view —
 * carriage return, newline, cursor up (ESC[nA), erase down (ESC[J), erase line (ESC[K); colour
 * codes are dropped. The final screen is what a person sees when the run ends. Used by the
 * terminal-view test and by scripts/terminal-screenshot.mjs (docs/images/terminal-view.png).
 */
export function terminalScreen(raw: string): string[] {
  const lines: string[] = [''];
  let row = 0;
  let col = 0;
  for (let i = 0; i < raw.length; i += 1) {
    const ch = raw[i]!;
    if (ch === '\u001b' && raw[i + 1] === '[') {
      const match = /^\u001b\[([0-9;?]*)([A-Za-z])/.exec(raw.slice(i));
      if (!match) continue;
      i += match[0].length - 1;
      const n = Number(match[1] || '1');
      if (match[2] === 'A') row = Math.max(0, row - n);
      else if (match[2] === 'J') {
        lines[row] = (lines[row] ?? '').slice(0, col);
        lines.length = row + 1;
      } else if (match[2] === 'K') lines[row] = (lines[row] ?? '').slice(0, col);
      continue;
    }
    if (ch === '\r') col = 0;
    else if (ch === '\n') {
      row += 1;
      if (lines.length <= row) lines.push('');
    } else {
      const line = (lines[row] ?? '').padEnd(col);
      lines[row] = line.slice(0, col) + ch + line.slice(col + 1);
      col += 1;
    }
  }
  while (lines.length > 0 && lines.at(-1)!.trim() === '') lines.pop();
  return lines;
}
