/**
 * hasUnsafeFlowEnd decides exactly what the expression `/^ *[\]}]|[\]}] *:(?:\s|$)/m` decides (a
 * flow collection closed at a line start, or used as a key), by visiting each `]` and `}`.
 *
 * Why by hand: the expression cannot skip ahead to a bracket (its first alternative may start at
 * any line start), so V8 tries it at every offset: 10–30 ms over a 2.8 MB file of 5,000
 * documents on every load, against about 1 ms here (indexOf finds the brackets). Manifests hold
 * many brackets (`[private]`, `{ name: x }`), so the expression ran on nearly every file.
 * test/manifest/fast-parse-pieces.test.ts compares the two on random text.
 */

const SPACE = 0x20;
const COLON = 0x3a;

export function hasUnsafeFlowEnd(text: string): boolean {
  let square = text.indexOf(']');
  let curly = text.indexOf('}');
  while (square !== -1 || curly !== -1) {
    const at = curly === -1 || (square !== -1 && square < curly) ? square : curly;
    if (startsLine(text, at) || closesKey(text, at)) return true;
    if (at === square) square = text.indexOf(']', at + 1);
    else curly = text.indexOf('}', at + 1);
  }
  return false;
}

/** startsLine: `^ *` before `at` in multiline mode: only spaces back to a line terminator or the start. */
function startsLine(text: string, at: number): boolean {
  let before = at - 1;
  while (before >= 0 && text.charCodeAt(before) === SPACE) before -= 1;
  return before < 0 || isLineTerminator(text.charCodeAt(before));
}

/** closesKey: ` *:(?:\s|$)` after `at`; `$` (multiline) is the end or a line terminator, both already in `\s` but the end. */
function closesKey(text: string, at: number): boolean {
  let after = at + 1;
  while (text.charCodeAt(after) === SPACE) after += 1;
  if (text.charCodeAt(after) !== COLON) return false;
  return after + 1 === text.length || isWhiteSpace(text.charCodeAt(after + 1));
}

/** isLineTerminator: what `^` and `$` match next to in multiline mode (ECMAScript LineTerminator). */
function isLineTerminator(c: number): boolean {
  return c === 0x0a || c === 0x0d || c === 0x2028 || c === 0x2029;
}

/** isWhiteSpace: ECMAScript `\s` (WhiteSpace and LineTerminator). */
function isWhiteSpace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  return (
    c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff
  );
}
