/**
 * A tolerant reader for the RADL IM sends back (GetInfrastructureRADL, GetVMInfo). It is not a
 * validator (IM validates what we send); it only extracts what observe needs: the description
 * marker, networks, systems with their features, configure recipes and deploy lines. Nested
 * `contains (...)` and `soft N (...)` groups are skipped. Tokens come from radl-tokens.ts.
 */
import { tokenize, type Token } from './radl-tokens.js';

export type RadlValue = string | number | string[];

export interface RadlFeature {
  name: string;
  op: string;
  value: RadlValue;
  /** unit is the identifier written after a number (`512m` → `m`), empty when none. */
  unit: string;
}

export interface RadlSentence {
  keyword: string;
  id: string;
  features: RadlFeature[];
  /** recipe is the raw text between @begin and @end of a configure sentence. */
  recipe?: string;
  /** count is the VM count of a deploy sentence. */
  count?: number;
}

const KEYWORDS = new Set(['network', 'system', 'configure', 'deploy', 'description', 'contextualize', 'ansible']);

export function readRadl(text: string): RadlSentence[] {
  const tokens = tokenize(text);
  const sentences: RadlSentence[] = [];
  let i = 0;
  while (i < tokens.length) {
    const tok = tokens[i]!;
    if (tok.t !== 'id' || !KEYWORDS.has(tok.v)) {
      i += 1;
      continue;
    }
    const [sentence, next] = readSentence(tokens, i);
    if (sentence) sentences.push(sentence);
    i = next;
  }
  return sentences;
}

function readSentence(tokens: Token[], start: number): [RadlSentence | undefined, number] {
  const keyword = tokens[start]!.v;
  let i = start + 1;
  if (keyword === 'contextualize') return [undefined, skipGroup(tokens, i)];
  const idTok = tokens[i];
  if (!idTok || idTok.t !== 'id') return [undefined, i];
  const sentence: RadlSentence = { keyword, id: idTok.v, features: [] };
  i += 1;
  if (keyword === 'deploy') {
    const countTok = tokens[i];
    if (countTok?.t === 'num') {
      sentence.count = Number(countTok.v);
      i += 1;
      if (tokens[i]?.t === 'id' && !KEYWORDS.has(tokens[i]!.v)) i += 1; // cloud id
    }
    return [sentence, i];
  }
  if (tokens[i]?.v !== '(') return [sentence, i];
  i += 1;
  if (keyword === 'configure') {
    if (tokens[i]?.t === 'raw') sentence.recipe = tokens[i]!.v;
    return [sentence, skipGroup(tokens, i - 1)];
  }
  return readFeatures(tokens, i, sentence);
}

function readFeatures(tokens: Token[], start: number, sentence: RadlSentence): [RadlSentence, number] {
  let i = start;
  while (i < tokens.length && tokens[i]!.v !== ')') {
    const name = tokens[i]!;
    const op = tokens[i + 1];
    if (name.t === 'id' && op?.t === 'op') {
      const [value, unit, next] = readValue(tokens, i + 2);
      sentence.features.push({ name: name.v, op: op.v, value, unit });
      i = next;
    } else if (name.v === '(') {
      i = skipGroup(tokens, i);
    } else {
      i += 1;
    }
  }
  return [sentence, i + 1];
}

function readValue(tokens: Token[], i: number): [RadlValue, string, number] {
  const tok = tokens[i];
  if (!tok) return ['', '', i];
  if (tok.t === 'num') {
    const unitTok = tokens[i + 1];
    const hasUnit = unitTok?.t === 'id' && unitTok.v !== 'and';
    return [Number(tok.v), hasUnit ? unitTok.v : '', hasUnit ? i + 2 : i + 1];
  }
  if (tok.v === '[') {
    const items: string[] = [];
    let j = i + 1;
    for (; j < tokens.length && tokens[j]!.v !== ']'; j += 1) if (tokens[j]!.t === 'str') items.push(tokens[j]!.v);
    return [items, '', j + 1];
  }
  return [tok.v, '', i + 1];
}

/** skipGroup returns the index after the parenthesised group opening at or after `i`. */
function skipGroup(tokens: Token[], i: number): number {
  while (i < tokens.length && tokens[i]!.v !== '(') i += 1;
  let depth = 0;
  for (; i < tokens.length; i += 1) {
    if (tokens[i]!.v === '(') depth += 1;
    else if (tokens[i]!.v === ')' && --depth === 0) return i + 1;
  }
  return i;
}

/** feature returns the value of the first feature with this name. */
export function feature(sentence: RadlSentence, name: string): RadlFeature | undefined {
  return sentence.features.find((f) => f.name === name);
}
