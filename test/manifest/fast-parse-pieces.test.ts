/**
 * The fast path's cheaper pieces (issue 13, third round) must decide exactly as the code they
 * replaced: the first-character filters before the core-schema expressions, the unsafe-syntax
 * expression split into guarded alternatives, and the line table's outdented-line check. Each is
 * compared with the replaced code (kept here verbatim) on seeded random input; fast-parse.test.ts
 * checks the whole fast path against `yaml`.
 */
import { describe, expect, it } from 'vitest';
import { CORE_AS_YAML_DOES } from '../../src/manifest/fast-yaml/core-tags.js';
import { LineTable } from '../../src/manifest/fast-yaml/line-table.js';
import { hasUnsafeSyntax } from '../../src/manifest/fast-yaml/fast-parse.js';
import { hasUnsafeFlowEnd } from '../../src/manifest/fast-yaml/flow-ends.js';

function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function randomText(random: () => number, alphabet: string, maxLength: number): string {
  let text = '';
  for (let n = Math.floor(random() * maxLength); n > 0; n -= 1) text += alphabet[Math.floor(random() * alphabet.length)];
  return text;
}

/** The expressions of core-tags.ts before the filters: resolve = any of them matches. */
const REFERENCE: Record<string, RegExp[]> = {
  'tag:yaml.org,2002:null': [/^(?:~|[Nn]ull|NULL)?$/],
  'tag:yaml.org,2002:bool': [/^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/],
  'tag:yaml.org,2002:int': [/^0o[0-7]+$/, /^[-+]?[0-9]+$/, /^0x[0-9a-fA-F]+$/],
  'tag:yaml.org,2002:float': [/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/, /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/, /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/],
};

describe('core tags with first-character filters', () => {
  it('resolve exactly the scalars the bare expressions resolve', () => {
    const random = seeded(31);
    const implicit = (CORE_AS_YAML_DOES as unknown as { implicit: Array<{ tag: string; resolve: (s: string) => boolean }> }).implicit;
    expect(implicit.map((t) => t.tag)).toEqual(Object.keys(REFERENCE));
    const words = ['', '~', 'null', 'Null', 'NULL', 'nul', 'true', 'True', 'TRUE', 'false', 'FALSE', 'tRue', '0o17', '0x1F', '017', '-0', '+12',
      '1_000', '.5', '5.', '1e3', '-1E-2', '.inf', '-.Inf', '+.INF', '.nan', '.NaN', 'x', ' 1', '1 ', 'N', 'n', 'T', 'f', '.', '-', '+'];
    const inputs = [...words, ...Array.from({ length: 20000 }, () => randomText(random, '0123456789+-.eExXoO_aAfFnNtTlLuUrRsSiI~ ', 9))];
    const differences = inputs.flatMap((input) =>
      implicit.filter((type) => type.resolve(input) !== REFERENCE[type.tag]!.some((r) => r.test(input))).map((type) => `${type.tag} ${JSON.stringify(input)}`));
    expect(differences).toEqual([]);
  });
});

/** The unsafe-syntax expression before the split (fast-parse.ts). */
const UNSAFE_SYNTAX = /^ *[\]}]|^%|(?:^|[\s,[{:])[&*!]|(?:^|[\s,[{])\?(?:\s|$)|[\]}] *:(?:\s|$)/m;

describe('unsafe syntax, split into guarded alternatives', () => {
  it('declines exactly the texts the single expression matched', () => {
    const random = seeded(37);
    let matched = 0;
    const differences: string[] = [];
    for (let n = 0; n < 20000; n += 1) {
      const text = randomText(random, ' \n]}%&*!?:,[{ab-\u00a0\u3000#', 14);
      const before = UNSAFE_SYNTAX.test(text);
      if (before) matched += 1;
      if (hasUnsafeSyntax(text) !== before) differences.push(JSON.stringify(text));
    }
    expect(differences).toEqual([]);
    expect(matched).toBeGreaterThan(5000);
    expect(matched).toBeLessThan(19000);
  });
});

/** The flow-end alternative as an expression, before hasUnsafeFlowEnd (issue 13, fourth round). */
const FLOW_END = /^ *[\]}]|[\]}] *:(?:\s|$)/m;

describe('flow ends found by visiting the brackets', () => {
  it('decides exactly as the expression, with every line terminator and white space', () => {
    const random = seeded(43);
    const differences: string[] = [];
    let matched = 0;
    for (let n = 0; n < 20000; n += 1) {
      const text = randomText(random, '  ]]}}::ab\n\r\t\v\f\u00a0\u1680\u2000\u200a\u200b\u2028\u2029\u202f\u205f\u3000\ufeff\u180e\u0085', 12);
      const before = FLOW_END.test(text);
      if (before) matched += 1;
      if (hasUnsafeFlowEnd(text) !== before) differences.push(JSON.stringify(text));
    }
    expect(differences).toEqual([]);
    expect(matched).toBeGreaterThan(3000);
    expect(matched).toBeLessThan(19000);
  });

  it('decides as the expression on every white-space or not code unit after a closing colon', () => {
    const differences: string[] = [];
    for (let c = 0; c < 0x10000; c += 1) {
      const text = `]:${String.fromCharCode(c)}`;
      if (hasUnsafeFlowEnd(text) !== FLOW_END.test(text)) differences.push(c.toString(16));
      const line = `a${String.fromCharCode(c)}  }`;
      if (hasUnsafeFlowEnd(line) !== FLOW_END.test(line)) differences.push(`line ${c.toString(16)}`);
    }
    expect(differences).toEqual([]);
  });
});

/** The outdented-line scan before the line table (fast-parse.ts), verbatim. */
function hasOutdentedLineBefore(text: string, start: number, end: number): boolean {
  const column = start - (text.lastIndexOf('\n', start - 1) + 1);
  if (column === 0) return false;
  for (let at = text.indexOf('\n', start) + 1; at > 0 && at < end; at = text.indexOf('\n', at) + 1) {
    let indent = 0;
    while (text[at + indent] === ' ') indent += 1;
    const c = text[at + indent];
    if (at + indent >= end) break;
    if (c === '\n' || c === '#' || c === undefined) continue;
    if (indent < column) return true;
  }
  return false;
}

describe('line table', () => {
  it('finds an outdented line exactly where the line-by-line scan did', () => {
    const random = seeded(41);
    const differences: string[] = [];
    let found = 0;
    for (let n = 0; n < 2000; n += 1) {
      const text = randomText(random, '   \n\n#ab', 60);
      const table = new LineTable(text);
      for (let k = 0; k < 20; k += 1) {
        const start = Math.floor(random() * (text.length + 1));
        const end = start + Math.floor(random() * (text.length + 1 - start));
        if (text[start] === '\n' || text[start] === ' ') continue; // a node starts at its first character
        const before = hasOutdentedLineBefore(text, start, end);
        if (before) found += 1;
        if (table.hasOutdentedLine(start, end) !== before) differences.push(`${JSON.stringify(text)} ${start} ${end}`);
      }
    }
    expect(differences).toEqual([]);
    expect(found).toBeGreaterThan(1000);
  });
});
