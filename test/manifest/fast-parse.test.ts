/**
 * The loader's fast path (src/manifest/fast-yaml) must read a file exactly as the reference
 * parser (`yaml`, with the loader's options) does, or decline it. Checked on every YAML file of
 * the repository (manifests, fixtures valid and invalid, plan goldens) and on snippets chosen for
 * where parsers tend to differ: when the fast path answers, `yaml` must report no error and no
 * warning, and give the same documents, values and root offsets.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LineCounter, parseAllDocuments } from 'yaml';
import { fastParseDocuments } from '../../src/manifest/fast-yaml/fast-parse.js';
import { YAML_OPTIONS } from '../../src/manifest/yaml-source.js';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name === '.git') return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(entry.name) ? [path] : [];
  });
}

/** Snippets where js-yaml and yaml could read differently; most must be declined or agree. */
const SNIPPETS: Record<string, string> = {
  'core scalars': 'a: [~, null, Null, NULL, true, True, FALSE, 0o17, 017, 0x1F, 0b11, +12, -0, 1_000, 1.5, .5, 5., 1e3, 1E-2, .inf, -.Inf, .nan, 1:20, 0.1.2, yes, no, on, off, y, n]\n',
  'timestamps and binary stay strings': 'a: 2024-01-01\nb: 2024-01-01T10:00:00Z\nc: 12:30:00\n',
  'keys of every scalar type': '1: a\n1.5: b\ntrue: c\n0x10: d\n.inf: e\n',
  'null key': '~: a\n',
  'empty key': '"": a\n',
  'null key spelled out': 'null: a\n',
  'proto key': '__proto__: {a: 1}\nconstructor: 2\ntoString: 3\n',
  'merge key': 'base: {a: 1}\nx:\n  <<: {a: 2}\n  b: 3\n',
  'anchor and alias': 'a: &x {b: 1}\nc: *x\n',
  'recursive alias': 'a: &x [*x]\n',
  'anchor after colon': '{"a":&x 1, "b":*x}\n',
  'tags': 'a: !!str 12\nb: !!int "3"\nc: !custom x\n',
  'directive': '%YAML 1.2\n---\na: 1\n',
  'complex key': '? [a, b]\n: c\n',
  'flow key': '[a, b]: c\n',
  'flow map key': '{a: 1}: c\n',
  'duplicate key': 'a: 1\na: 2\n',
  'duplicate key, different types': '1: a\n"1": b\n',
  'flow end at parent indent': 'a: [\n  1,\n  2\n]\n',
  'multi-line flow': 'a: [1,\n  2]\nb: {c: 1,\n  d: 2}\n',
  'block scalars': 'a: |\n  one\n  two\n\nb: >\n  folded\n  text\n\n  para\nc: |-\n  strip\nd: |+\n  keep\n\ne: |2\n    indented\nf: >-\n  x\n',
  'keep chomping at end': 'a: |+\n  keep\n\n\n',
  'multi-line plain': 'a: one\n  two\n\n  three\nb: c\n',
  'quoted escapes': 'a: "\\x41\\u263A\\U0001F600\\t\\n\\\\\\"\\/\\0\\a\\e\\N\\_\\L\\P"\nb: \'it\'\'s\'\nc: "line\n  folded\n\n  kept"\nd: "esc \\\n  aped"\n',
  'quoted escapes on one line': 'a: "\\x41\\u263A\\U0001F600\\t\\n\\\\\\"\\/\\0\\a\\e\\N\\_\\L\\P"\nb: \'it\'\'s\'\n',
  'comments everywhere': '# head\na: 1 # tail\n# mid\nb: [1, # in flow\n  2]\nc: "#not" # yes\nd: x#y\n',
  'documents and markers': '---\na: 1\n...\n---\n# empty\n---\nb: 2\n--- {c: 3}\n---\n',
  'document end then text': 'a: 1\n...\n',
  'only comments': '# nothing\n',
  'empty text': '',
  'no trailing newline': 'a: 1',
  'carriage returns': 'a: 1\r\nb: 2\r\n',
  'tab indentation': 'a:\n\tb: 1\n',
  'tab in value': 'a: "x\ty"\n',
  'bom': '\uFEFFa: 1\n',
  'bad indentation': 'a:\n  b: 1\n c: 2\n',
  'nested compact mapping': 'a: b: c\n',
  'unclosed quote': 'a: "abc\nb: 1\n',
  'unclosed flow': 'a: [1, 2\n',
  'long implicit key': `${'k'.repeat(1100)}: 1\n`,
  'colon in plain scalars': 'url: http://example.org:8080/x?a=1&b=2\ntime: 10:20\nmsg: a: b\n',
  'ampersand and star in content': 'a: x &y\nb: "* * * * *"\nc: hi!\n',
  'sequence of mappings': '- name: a\n  cpu: 1\n- name: b\n  memory: 1Gi\n',
  'compact nested sequences': 'a:\n- - 1\n  - 2\n- 3\n',
  'indentless sequence': 'a:\n- 1\n- 2\nb: 3\n',
  'empty values': 'a:\nb: \nc: []\nd: {}\ne: ""\n',
  'unicode': 'a: "héllo ✓"\nb: 日本\n',
  'big numbers': 'a: 12345678901234567890\nb: 0x7FFFFFFFFFFFFFFF\nc: 1e400\n',
  'question mark content': 'a: what?\nb: ?x\n',
  'flow with trailing comma': 'a: [1, 2, ]\nb: {c: 1, }\n',
  'flow single pair': 'a: [b: 1, c: 2]\n',
  'adjacent flow value': '{"a":1}\n',
  'reserved indicators': 'a: @x\n',
  'backtick': 'a: `x`\n',
  'pipe in content': 'a: x | y\n',
  'dash content': 'a: -1\nb: - x\nc: --x\n',
  'root sequence': '- a\n- b\n',
  'root scalar': 'hello\n',
  'root scalar, multi-line quoted': '"a\n b"\n',
  'flow collection over lines, outdented': '   dd: [\n   b]\n',
  'indented root, then less indented': '  - \n- x\n',
  'sequence entries not lined up': 't:\n - a\n- b\n',
  'keep chomping with spaced lines': 'll: >+\n     \n      ',
  'block scalar, spaced leading line then comment': 'j: >-\n    \n  #\n',
  'block scalars, clip and strip': 'a: |\n  one\n  two\n\nb: >\n  folded\n  text\n\n  para\nc: |-\n  strip\nf: >-\n  x\ng: x\n',
  'documents, markers and comments': '# head\n---\na: 1\n...\n---\n# empty\n---\nb: 2\n---\n',
  'explicit indentation, spaced trailing lines': 'k: |2\n    text\n  - y\n    \n# end\n',
  'deep nesting': `${'['.repeat(60)}${']'.repeat(60)}\n`,
};

interface ReferenceResult {
  clean: boolean;
  documents: Array<{ value: unknown; rootOffset: number | undefined }>;
}

function reference(text: string): ReferenceResult {
  const parsed = parseAllDocuments(text, { lineCounter: new LineCounter(), ...YAML_OPTIONS });
  if ('empty' in parsed) return { clean: parsed.errors.length === 0, documents: [] };
  const clean = parsed.every((d) => d.errors.length === 0 && d.warnings.length === 0);
  const documents = parsed.map((d) => ({ value: clean ? d.toJS({ maxAliasCount: 100 }) : undefined, rootOffset: d.contents?.range?.[0] }));
  return { clean, documents };
}

/** agrees: the fast path declined, or it gave what `yaml` gives (non-empty documents, in order). */
function checkAgreement(name: string, text: string): 'fast' | 'declined' {
  const fast = fastParseDocuments(text);
  if (fast === undefined) return 'declined';
  const ref = reference(text);
  expect(ref.clean, `${name}: the fast path read text that yaml reports problems in`).toBe(true);
  const fastDocs = fast.filter((d) => d.value !== null);
  const refDocs = ref.documents.filter((d) => d.value !== null);
  expect(fastDocs.map((d) => d.value), name).toEqual(refDocs.map((d) => d.value));
  fastDocs.forEach((d, i) => {
    if (d.rootOffset !== undefined) expect(d.rootOffset, `${name}: root offset of document ${i}`).toBe(refDocs[i]!.rootOffset);
  });
  return 'fast';
}

describe('fast path against the reference parser', () => {
  it('agrees on, or declines, every YAML file of the repository', () => {
    const files = yamlFiles(ROOT);
    expect(files.length).toBeGreaterThan(50);
    const outcomes = files.map((file) => checkAgreement(relative(ROOT, file), readFileSync(file, 'utf8')));
    // Most manifests are plain YAML: the fast path must actually serve them.
    expect(outcomes.filter((o) => o === 'fast').length).toBeGreaterThan(files.length / 2);
  });

  it.each(Object.entries(SNIPPETS))('agrees on, or declines: %s', (name, text) => {
    checkAgreement(name, text);
  });

  it.each([
    'null key', 'null key spelled out', 'merge key', 'anchor and alias', 'recursive alias', 'anchor after colon', 'tags', 'directive',
    'complex key', 'flow key', 'flow map key', 'duplicate key', 'flow end at parent indent', 'carriage returns', 'tab indentation',
    'bom', 'bad indentation', 'unclosed quote', 'unclosed flow', 'quoted escapes', 'multi-line flow',
    'flow collection over lines, outdented', 'indented root, then less indented', 'sequence entries not lined up',
    'keep chomping with spaced lines', 'block scalar, spaced leading line then comment', 'explicit indentation, spaced trailing lines',
  ])('declines what it must leave to yaml: %s', (name) => {
    expect(fastParseDocuments(SNIPPETS[name]!)).toBeUndefined();
  });

  it.each(['core scalars', 'keys of every scalar type', 'block scalars, clip and strip', 'quoted escapes on one line', 'documents, markers and comments', 'sequence of mappings'])(
    'serves plain YAML itself: %s',
    (name) => {
      expect(fastParseDocuments(SNIPPETS[name]!)).toBeDefined();
    },
  );
});

/** LINES are fragments a fuzzed file is made of, at random indentation: valid YAML or near it. */
const LINES = [
  'a: 1', 'b:', '- x', '- y: 2', '  - z', 'c: [1, 2]', 'd: {e: f}', 'g: "q\\"s"', "h: 'it''s'", 'i: |', 'j: >-', '  text', 'k: null',
  '---', '...', '# comment', '', 'l: 0o7', 'm: +.5', 'n: 1e2', 'o: a b c', 'p: -', '- - 1', 'q: "multi', '  line"', 'r: [a,', '  b]',
  's: x # c', 't:  ', 'u: yes', 'v: 010', '"w": 1', "'x': 2", 'y: {a: [1, {b: 2}]}', 'z: ', '- ', 'aa: b: c', 'bb: "x" y', 'cc: - 1',
  'dd: [', ']', 'ee: }', 'ff: a, b', 'gg: a:b', 'hh: -1', 'ii: 1:2', '- {a: 1, b: [2]}', 'jj: ""', 'kk: |-', 'll: >+', '  ',
  'plain', 'more words here', 'mm: "one line"', "nn: 'one'", '- "item"', 'oo: {p: "q", r: [s, "t"]}', 'pp: [x, y,', '  z]', 'qq: >',
  'rr: ~', 'ss: .inf', 'tt: 1_0', 'uu: "a\\b"', '"vv"', 'ww: [1]: 2', 'xx: "a" # c', '#', 'yy: a # b # c',
];

function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1103515245) + 12345) & 0x7fffffff;
    return state / 0x80000000;
  };
}

describe('fast path against the reference parser, fuzzed', () => {
  it('agrees on, or declines, 5,000 random files of plausible lines', () => {
    const random = seeded(Number(process.env.FUZZ_SEED ?? 13));
    let served = 0;
    for (let n = 0; n < 5000; n += 1) {
      const indent = (k: number) => ' '.repeat(k === 0 ? 0 : Math.floor(random() * 4) * (random() < 0.5 ? 1 : 2));
      const lines = Array.from({ length: 1 + Math.floor(random() * 8) }, (_, k) => indent(k) + LINES[Math.floor(random() * LINES.length)]!);
      const text = `${lines.join('\n')}\n`;
      if (checkAgreement(JSON.stringify(text), text) === 'fast') served += 1;
    }
    expect(served).toBeGreaterThan(400);
  });
});

/** Pieces of the structured fuzz: nested block mappings and sequences at random indentation. */
const FUZZ_SCALARS = [
  '1', '-2', '+3', '0.5', '.5', '5.', '1e3', '0o17', '0x1f', '017', '1_000', 'true', 'False', 'yes', 'null', '~', '', 'x', 'a b', 'a:b',
  'a #b', 'a#b', '"q"', "'s'", '"a\\tb"', "'it''s'", '"#x"', 'http://h:80/p?q=1', '1Gi', '2024-01-01', '.inf', '.nan', '"', "x'y", '-x',
  '- x', ': x', '?x', 'x:', '"a" b', '{a: 1}', '[1, 2]', '[a, {b: c}]', '{}', '[]', '@x', '%x',
];
const FUZZ_KEYS = ['a', 'b', 'name', '"q k"', "'s k'", '1', 'true', 'x y', 'a-b', 'a.b', 'null', '~', 'k:v', '"a"', 'a'];
const BLOCK_LINES = ['text', 'more: x', '- y', '', '# c'];

function structuredText(random: () => number): string {
  const pick = <T,>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const node = (indent: number, depth: number): string => {
    const r = random();
    if (depth > 3 || r < 0.45) return ` ${pick(FUZZ_SCALARS)}`;
    if (r < 0.55) {
      const lines = Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(['', ' '.repeat(indent + 2)]) + ' '.repeat(indent + 2 + pick([0, 0, 1])) + pick(BLOCK_LINES));
      return ` ${pick(['|', '>', '|-', '>-', '|2', '>+'])}\n${lines.join('\n')}`;
    }
    const child = indent + pick([2, 2, 4, 0, 1, 3]);
    const entries = Array.from({ length: 1 + Math.floor(random() * 3) }, () =>
      r < 0.8 ? `${' '.repeat(child)}${pick(FUZZ_KEYS)}:${node(child, depth + 1)}` : `${' '.repeat(child)}-${node(child + 2, depth + 1)}`);
    return `\n${entries.join('\n')}`;
  };
  const docs = Array.from({ length: 1 + Math.floor(random() * 2) }, () =>
    Array.from({ length: 1 + Math.floor(random() * 4) }, () => `${pick(FUZZ_KEYS)}:${node(0, 0)}`).join('\n'));
  return docs.join(pick(['\n---\n', '\n...\n---\n', '\n--- # c\n'])) + pick(['\n', '', '\n\n', '\n# end\n']);
}

describe('fast path against the reference parser, structured fuzz', () => {
  it('agrees on, or declines, 10,000 random nested documents', () => {
    const random = seeded(Number(process.env.FUZZ_SEED ?? 7));
    let served = 0;
    for (let n = 0; n < 10_000; n += 1) {
      const text = structuredText(random);
      if (checkAgreement(JSON.stringify(text), text) === 'fast') served += 1;
    }
    expect(served).toBeGreaterThan(500);
  });
});
