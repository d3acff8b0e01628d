/**
 * The RADL reader's tokens, by one scan over character codes. Observe reads every
 * infrastructure's stored RADL and every VM's RADL on every pass; this scan replaced one sticky
 * regular expression with six capturing groups (a match array per token, whitespace included)
 * at about a third of the cost.
 *
 * Contract: exactly the tokens of that expression (test/backends/im-radl-tokens.test.ts keeps it
 * as the reference and compares both on the simulator's RADL, IM's transcripts and odd input),
 * whose alternatives were tried in this order at each position:
 *   `\s+` | `#[^\n]*` (both skipped) | `@begin\n?([\s\S]*?)\n?@end` (raw) |
 *   `'((?:\\.|[^'\\])*)'` (str, `\'` unescaped) | `\d+(?:\.\d+)?` (num) |
 *   `[a-zA-Z_.][\w.-]*` (id) | `<=|>=|=|<|>` (op) | `[()[\],]` (punct);
 * a character none of them matches is skipped (whitespace too, then: no other alternative
 * starts with one).
 */

export type Token = { t: 'id' | 'str' | 'num' | 'op' | 'punct' | 'raw'; v: string };

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x23 /* # */) {
      const end = text.indexOf('\n', i);
      i = end < 0 ? n : end;
    } else if (c === 0x40 /* @ */ && text.startsWith('@begin', i)) {
      i = readRaw(text, i, tokens);
    } else if (c === 0x27 /* ' */) {
      i = readString(text, i, tokens);
    } else if (isDigit(c)) {
      i = readNumber(text, i, tokens);
    } else if (isIdStart(c)) {
      let j = i + 1;
      while (j < n && isIdPart(text.charCodeAt(j))) j += 1;
      tokens.push({ t: 'id', v: text.slice(i, j) });
      i = j;
    } else if (c === 0x3c /* < */ || c === 0x3e /* > */) {
      const two = text.charCodeAt(i + 1) === 0x3d; // <= or >=
      tokens.push({ t: 'op', v: two ? text.slice(i, i + 2) : text[i]! });
      i += two ? 2 : 1;
    } else if (c === 0x3d /* = */) {
      tokens.push({ t: 'op', v: '=' });
      i += 1;
    } else if (c === 0x28 || c === 0x29 || c === 0x5b || c === 0x5d || c === 0x2c /* ( ) [ ] , */) {
      tokens.push({ t: 'punct', v: text[i]! });
      i += 1;
    } else {
      // Whitespace, and a character the reader does not know (an `@` not opening @begin…@end):
      // skipped alike, as no alternative but `\s+` can start at either.
      i += 1;
    }
  }
  return tokens;
}

/** readRaw reads `@begin\n?…\n?@end` at i (the text up to the first @end); unterminated: skips the `@`. */
function readRaw(text: string, i: number, tokens: Token[]): number {
  let start = i + 6;
  if (text.charCodeAt(start) === 0x0a) start += 1;
  const end = text.indexOf('@end', start);
  if (end < 0) return i + 1;
  const stop = end > start && text.charCodeAt(end - 1) === 0x0a ? end - 1 : end;
  tokens.push({ t: 'raw', v: text.slice(start, stop) });
  return end + 4;
}

/** readString reads a quoted string at i (`\` escapes any character but a line end); unterminated: skips the quote. */
function readString(text: string, i: number, tokens: Token[]): number {
  const n = text.length;
  let escaped = false;
  for (let j = i + 1; j < n; j += 1) {
    const c = text.charCodeAt(j);
    if (c === 0x5c /* \ */) {
      if (j + 1 >= n || isLineEnd(text.charCodeAt(j + 1))) return i + 1;
      escaped = true;
      j += 1;
    } else if (c === 0x27) {
      const body = text.slice(i + 1, j);
      tokens.push({ t: 'str', v: escaped ? body.replace(/\\'/g, "'") : body });
      return j + 1;
    }
  }
  return i + 1;
}

function readNumber(text: string, i: number, tokens: Token[]): number {
  const n = text.length;
  let j = i + 1;
  while (j < n && isDigit(text.charCodeAt(j))) j += 1;
  if (text.charCodeAt(j) === 0x2e && j + 1 < n && isDigit(text.charCodeAt(j + 1))) {
    j += 2;
    while (j < n && isDigit(text.charCodeAt(j))) j += 1;
  }
  tokens.push({ t: 'num', v: text.slice(i, j) });
  return j;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isIdStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === 0x2e;
}

function isIdPart(c: number): boolean {
  return isIdStart(c) || isDigit(c) || c === 0x2d;
}

/** isLineEnd: the characters a regular expression's `.` does not match. */
function isLineEnd(c: number): boolean {
  return c === 0x0a || c === 0x0d || c === 0x2028 || c === 0x2029;
}
