/**
 * Where each member of a JSON object text lies, without building the members: observe needs two
 * members of an IM export (`radl`, `vm_list`) and parses only those. The rest (in the simulator
 * its `sim_state`, about 70 % of the text; on IM the owners' auth entries and contextualization
 * logs) is skipped, never copied into strings or objects.
 *
 * Contract: for a text that is one JSON object, `jsonMembers` gives each member name (as
 * JSON.parse decodes it) with the [start, end) of its value text, the last occurrence of a
 * repeated name winning as in JSON.parse; JSON.parse of that slice is the member's value.
 * Skipped values are checked for shape only (strings terminated, brackets balanced, nothing but
 * whitespace after the object); for anything it does not recognise it answers undefined, and
 * the caller parses the whole text instead. It is not a validator of the skipped values.
 */

export type MemberSpans = Map<string, { start: number; end: number }>;

const QUOTE = 0x22;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/** jsonMembers: the spans of a JSON object's members; undefined when the text is not recognised. */
export function jsonMembers(text: string): MemberSpans | undefined {
  const spans: MemberSpans = new Map();
  let i = skipSpace(text, 0);
  if (text.charCodeAt(i) !== OPEN_BRACE) return undefined;
  i = skipSpace(text, i + 1);
  if (text.charCodeAt(i) === CLOSE_BRACE) return skipSpace(text, i + 1) === text.length ? spans : undefined;
  for (;;) {
    if (text.charCodeAt(i) !== QUOTE) return undefined;
    const keyEnd = skipString(text, i);
    if (keyEnd < 0) return undefined;
    const name = memberName(text, i, keyEnd);
    if (name === undefined) return undefined;
    i = skipSpace(text, keyEnd);
    if (text.charCodeAt(i) !== COLON) return undefined;
    const start = skipSpace(text, i + 1);
    const end = skipValue(text, start);
    if (end < 0) return undefined;
    spans.delete(name); // a repeated name: the last one wins, as in JSON.parse
    spans.set(name, { start, end });
    i = skipSpace(text, end);
    const c = text.charCodeAt(i);
    if (c === CLOSE_BRACE) return skipSpace(text, i + 1) === text.length ? spans : undefined;
    if (c !== COMMA) return undefined;
    i = skipSpace(text, i + 1);
  }
}

/** memberName decodes a member name (names with escapes through JSON.parse; they are rare). */
function memberName(text: string, start: number, end: number): string | undefined {
  const raw = text.slice(start + 1, end - 1);
  if (!raw.includes('\\')) return raw;
  try {
    return JSON.parse(text.slice(start, end)) as string;
  } catch {
    return undefined;
  }
}

/** STRING_REST matches a string's characters after its opening quote, through its closing quote (an unrolled loop: linear, no backtracking blow-up). */
const STRING_REST = /[^"\\]*(?:\\[\s\S][^"\\]*)*"/y;

/** skipString: the index after the string starting at the quote at `i`; -1 when unterminated. */
function skipString(text: string, i: number): number {
  STRING_REST.lastIndex = i + 1;
  return STRING_REST.test(text) ? STRING_REST.lastIndex : -1;
}

/** skipValue: the index after the value starting at `i` (strings skipped whole); -1 when malformed. */
function skipValue(text: string, i: number): number {
  const first = text.charCodeAt(i);
  if (first === QUOTE) return skipString(text, i);
  if (first !== OPEN_BRACE && first !== OPEN_BRACKET) return skipScalar(text, i);
  const closers: number[] = [];
  for (let j = i; j < text.length; ) {
    const c = text.charCodeAt(j);
    if (c === QUOTE) {
      j = skipString(text, j);
      if (j < 0) return -1;
      continue;
    }
    if (c === OPEN_BRACE) closers.push(CLOSE_BRACE);
    else if (c === OPEN_BRACKET) closers.push(CLOSE_BRACKET);
    else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      if (closers.pop() !== c) return -1;
      if (closers.length === 0) return j + 1;
    }
    j += 1;
  }
  return -1;
}

/** skipScalar: a number, true, false or null (its characters are not checked further). */
function skipScalar(text: string, i: number): number {
  let j = i;
  while (j < text.length) {
    const c = text.charCodeAt(j);
    if (c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET || isSpace(c) || c === QUOTE || c === OPEN_BRACE || c === OPEN_BRACKET) break;
    j += 1;
  }
  return j > i ? j : -1;
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && isSpace(text.charCodeAt(i))) i += 1;
  return i;
}

/** isSpace: JSON's whitespace (space, tab, line feed, carriage return). */
function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}
