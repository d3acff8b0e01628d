/**
 * fastParseDocuments is the loader's fast path: js-yaml (about ten times cheaper than the `yaml`
 * package's composer) for the plain YAML manifests are written in. It answers only when it can
 * give exactly what the reference parser (`yaml`, see parse-manifest-file.ts) would give;
 * otherwise it returns undefined and the caller parses the file with `yaml`, which then reports
 * every syntax problem as before. It declines:
 *
 * - any text js-yaml rejects (syntax errors, duplicate keys, unknown aliases, too deep);
 * - anchors, aliases (so merges, alias limits, recursive aliases), tags and directives: the text
 *   has `&`, `*` or `!` where a node may start (after a line start, a space, `,`, `[`, `{` or `:`),
 *   or `%` at the start of a line; such text goes to `yaml` even where the character is content;
 * - keys js-yaml converts differently: null (`~:`, a key read as "null"), `<<`, and collections
 *   (`? ` explicit keys, `]:` / `}:` flow collections used as keys);
 * - quoted scalars and flow collections over several lines, and a document whose root is
 *   indented or has lines indented less than a block collection (js-yaml takes lines `yaml`
 *   refuses), block scalars with keep chomping or an explicit indentation (`|+`, `>2`) or whose
 *   leading empty lines hold spaces;
 * - text the two parsers may read differently or that `yaml` warns about: carriage returns, tabs,
 *   a byte-order mark, other control characters and Unicode line breaks, and a flow collection
 *   closed at the start of a line (`yaml` warns when it is not indented past its parent), and
 *   lines of 1,000 characters or more (`yaml` refuses implicit keys over 1,024).
 *
 * test/manifest/fast-parse.test.ts compares both parsers on every manifest fixture and a corpus of
 * tricky snippets: values, document boundaries and root offsets must be equal, or the fast path
 * must decline.
 */
import { loadAll, type State } from 'js-yaml';
import { CORE_AS_YAML_DOES } from './core-tags.js';
import { hasUnsafeFlowEnd } from './flow-ends.js';
import { LineTable } from './line-table.js';

/** FastDocument is one document's plain value and where its root mapping starts (if it is one). */
export interface FastDocument {
  value: unknown;
  /** rootOffset is the source offset of the root mapping (yaml's `contents.range[0]`). */
  rootOffset: number | undefined;
}

const UNSAFE_CHARACTERS = /[\r\t\uFEFF\u0085\u2028\u2029\x00-\x08\x0B\x0C\x0E-\x1F\x7F]/;
/**
 * UNSAFE_SYNTAX: the alternatives of one expression, each run only on text that holds the character
 * it needs (a text matches the alternation exactly when it matches one of its alternatives).
 * `]` and `}` occur in most manifests (flow collections), the others rarely; their alternative
 * (`/^ *[\]}]|[\]}] *:(?:\s|$)/m`) is decided by hasUnsafeFlowEnd, which visits only the brackets.
 */
const UNSAFE_SYNTAX: ReadonlyArray<{ needs: RegExp; pattern: { test(text: string): boolean } }> = [
  { needs: /[\]}]/, pattern: { test: hasUnsafeFlowEnd } },
  { needs: /%/, pattern: /^%/m },
  { needs: /[&*!]/, pattern: /(?:^|[\s,[{:])[&*!]/m },
  { needs: /\?/, pattern: /(?:^|[\s,[{])\?(?:\s|$)/m },
];
/**
 * BLOCK_HEADER_INDICATORS: block scalar headers with keep chomping or an explicit indentation
 * (`|+`, `>+`, `|2`, `>-2`…): the parsers read their trailing lines differently.
 */
const BLOCK_HEADER_INDICATORS = /[|>](?:[0-9+]|[-][0-9])/;
const LONGEST_LINE = 1000;

/** hasUnsafeSyntax: anchors, aliases, tags, directives, explicit or collection keys, flow ends at a line start. */
export function hasUnsafeSyntax(text: string): boolean {
  return UNSAFE_SYNTAX.some(({ needs, pattern }) => needs.test(text) && pattern.test(text));
}

/** isUnsafeText: the text-level reasons to decline (see the list above). */
function isUnsafeText(text: string): boolean {
  if (UNSAFE_CHARACTERS.test(text) || BLOCK_HEADER_INDICATORS.test(text)) return true;
  if (hasUnsafeSyntax(text)) return true;
  for (let start = 0; start < text.length; ) {
    const end = text.indexOf('\n', start);
    if ((end === -1 ? text.length : end) - start >= LONGEST_LINE) return true;
    if (end === -1) break;
    start = end + 1;
  }
  return false;
}

/** The part of js-yaml's loader state the listener reads (its types leave it out): 1 at the root. */
interface ListenedState extends State {
  depth: number;
}

class Declined extends Error {}

/** fastParseDocuments returns every document of `text` (empty ones as null), or undefined. */
export function fastParseDocuments(text: string): FastDocument[] | undefined {
  if (isUnsafeText(text)) return undefined;
  const roots: Array<number | undefined> = [];
  const opened: number[] = [];
  let lines: LineTable | undefined;
  const listener = (event: 'open' | 'close', state: State): void => {
    const node = state as ListenedState;
    if (event === 'open') {
      opened.push(node.position);
      return;
    }
    // Every check below is pure and declines the whole text, so their order does not matter.
    const start = nodeStart(text, opened.pop() ?? 0);
    const first = text.charCodeAt(start);
    const flowOrQuoted = first === DOUBLE_QUOTE || first === SINGLE_QUOTE || first === OPEN_BRACKET || first === OPEN_BRACE;
    const kind = node.kind;
    if (kind === 'mapping' && refusedKey(node.result as Record<string, unknown>)) throw new Declined();
    if (flowOrQuoted && spansLines(text, start, node.position)) throw new Declined();
    if (kind === 'scalar' && (first === PIPE || first === GREATER) && hasSpacedLeadingLine(text, start)) throw new Declined();
    if ((kind === 'sequence' || kind === 'mapping') && !flowOrQuoted && (lines ??= new LineTable(text)).hasOutdentedLine(start, node.position)) {
      throw new Declined();
    }
    if (node.depth === 1 && node.result !== null && node.result !== undefined && columnOf(text, start) > 0) throw new Declined();
    if (node.depth === 1) roots.push(kind === 'mapping' ? start : undefined);
  };
  try {
    const values = loadAll(text, undefined, { schema: CORE_AS_YAML_DOES, listener });
    if (values.length !== roots.length) return undefined;
    return values.map((value, i) => ({ value, rootOffset: roots[i] }));
  } catch {
    return undefined;
  }
}

/** nodeStart skips the spaces, line breaks and comments js-yaml reads after opening a node. */
function nodeStart(text: string, from: number): number {
  let at = from;
  for (;;) {
    const c = text.charCodeAt(at);
    if (c === SPACE || c === NEWLINE) at += 1;
    else if (c === HASH) at = text.indexOf('\n', at) === -1 ? text.length : text.indexOf('\n', at);
    else return at;
  }
}

const SPACE = 0x20;
const NEWLINE = 0x0a;
const HASH = 0x23;
const DOUBLE_QUOTE = 0x22;
const SINGLE_QUOTE = 0x27;
const OPEN_BRACKET = 0x5b;
const OPEN_BRACE = 0x7b;
const PIPE = 0x7c;
const GREATER = 0x3e;

/**
 * spansLines: a line break between a node's first character and where js-yaml closed it. Quoted
 * scalars and flow collections over several lines are declined: `yaml` wants their continuation
 * lines indented past the parent, js-yaml takes them at any indentation.
 */
function spansLines(text: string, start: number, end: number): boolean {
  const lineEnd = text.indexOf('\n', start);
  return lineEnd !== -1 && lineEnd < end;
}

/**
 * hasSpacedLeadingLine: a block scalar whose first lines are empty but hold spaces. `yaml` wants an
 * explicit indentation indicator when they hold more spaces than the content; js-yaml does not.
 */
function hasSpacedLeadingLine(text: string, header: number): boolean {
  for (let at = text.indexOf('\n', header) + 1; at > 0; at = text.indexOf('\n', at) + 1) {
    let indent = 0;
    while (text[at + indent] === ' ') indent += 1;
    const c = text[at + indent];
    if (c !== '\n' && c !== undefined) return false;
    if (indent > 0) return true;
    if (c === undefined) return false;
  }
  return false;
}

/**
 * columnOf: 0 for a node at the start of its line. An indented root is declined: js-yaml goes on
 * reading lines indented less than it, where `yaml` reports them.
 */
function columnOf(text: string, offset: number): number {
  return offset - (text.lastIndexOf('\n', offset - 1) + 1);
}

function refusedKey(map: Record<string, unknown>): boolean {
  return Object.hasOwn(map, 'null') || Object.hasOwn(map, '<<');
}
