/**
 * parseRadl reads RADL text as radl 1.3.5 does (PLY grammar, reproduced as a recursive-descent
 * parser that fails on the same token): optional leading `description` sentences, then one or
 * more network / system / ansible / configure / contextualize / deploy sentences. A sentence is
 * built and added to the document once the token after it has been checked, which is when the
 * LALR parser would reduce it; so a syntax error always wins over a semantic one behind it.
 */
import type { TokenType } from './lexer.js';
import { buildFeatureSet } from './feature-set.js';
import { numberValue, parseFeatures } from './parse-features.js';
import { TokenStream, parseError } from './token-stream.js';
import { addAspect, dedupe, type Sentence } from './document.js';
import {
  emptyDocument,
  type ContextualizeItem,
  type FeaturedAspect,
  type Feature,
  type Operator,
  type RadlDocument,
} from './types.js';

const SENTENCE_START = new Set<TokenType>(['NETWORK', 'ANSIBLE', 'SYSTEM', 'CONFIGURE', 'CONTEXTUALIZE', 'DEPLOY']);
const AFTER_DESCRIPTION = new Set<TokenType>([...SENTENCE_START, 'DESCRIPTION']);
const COMPARATORS: TokenType[] = ['EQ', 'LT', 'GT', 'GE', 'LE'];

type Build<T> = () => T;

/** parseRadl parses a document; blank text is an empty document. Throws RadlError. */
export function parseRadl(text: string): RadlDocument {
  if (text.trim() === '') return emptyDocument();
  const ts = new TokenStream(`${text}\n`);
  const doc = emptyDocument();
  const descriptions: FeaturedAspect[] = [];
  if (!ts.isNext(...AFTER_DESCRIPTION)) throw parseError(ts.peek());
  while (ts.isNext('DESCRIPTION')) {
    const build = parseFeatured(ts, 'DESCRIPTION');
    ts.follows(AFTER_DESCRIPTION, false);
    descriptions.push(build());
  }
  do {
    const build = parseSentence(ts);
    ts.follows(SENTENCE_START, true);
    addAspect(doc, build());
  } while (ts.peek() !== null);
  // `description_sentence radl` reduces outermost last, so the first description is kept.
  doc.description = descriptions[0] ?? null;
  return doc;
}

function parseSentence(ts: TokenStream): Build<Sentence> {
  const type = ts.peek()?.type;
  switch (type) {
    case 'NETWORK':
    case 'SYSTEM':
    case 'ANSIBLE': {
      const build = parseFeatured(ts, type);
      const kind = type === 'NETWORK' ? 'network' : type === 'SYSTEM' ? 'system' : 'ansible';
      return () => ({ kind, aspect: build() });
    }
    case 'CONFIGURE':
      return parseConfigure(ts);
    case 'CONTEXTUALIZE':
      return parseContextualize(ts);
    case 'DEPLOY':
      return parseDeploy(ts);
    default:
      throw parseError(ts.peek());
  }
}

/** parseFeatured reads `<keyword> id` (a reference) or `<keyword> id ( features )`. */
function parseFeatured(ts: TokenStream, keyword: TokenType): Build<FeaturedAspect> {
  const line = ts.expect(keyword).lineno;
  const id = String(ts.expect('VAR').value);
  if (keyword !== 'ANSIBLE' && !ts.isNext('LPAREN')) return () => ({ id, reference: true, set: { entries: [] }, line });
  ts.expect('LPAREN');
  const items = parseFeatures(ts);
  ts.expect('RPAREN');
  return () => ({ id, reference: false, set: buildFeatureSet(items), line });
}

function parseConfigure(ts: TokenStream): Build<Sentence> {
  const line = ts.expect('CONFIGURE').lineno;
  const id = String(ts.expect('VAR').value);
  if (!ts.isNext('LPAREN')) return () => ({ kind: 'configure', aspect: { id, reference: true, recipes: null, line } });
  ts.expect('LPAREN');
  if (ts.expect('RPAREN', 'RECIPE_BEGIN').type === 'RPAREN') {
    return () => ({ kind: 'configure', aspect: { id, reference: false, recipes: null, line } });
  }
  let recipes = String(ts.expect('RECIPE_LINE').value);
  while (ts.isNext('RECIPE_LINE')) recipes += String(ts.next()?.value);
  ts.expect('RECIPE_END');
  ts.expect('RPAREN');
  return () => ({ kind: 'configure', aspect: { id, reference: false, recipes, line } });
}

function parseContextualize(ts: TokenStream): Build<Sentence> {
  const line = ts.expect('CONTEXTUALIZE').lineno;
  const maxToken = ts.isNext('NUMBER') ? ts.next() : null;
  ts.expect('LPAREN');
  const options: Feature[] = [];
  while (ts.isNext('OPTION')) {
    const optionLine = ts.expect('OPTION').lineno;
    const prop = String(ts.expect('VAR').value);
    const op = String(ts.expect(...COMPARATORS).value) as Operator;
    const v = ts.expect('STRING', 'NUMBER');
    const value = v.type === 'NUMBER' ? numberValue(v) : { kind: 'string' as const, text: String(v.value) };
    options.push({ prop, op, value, unit: '', line: optionLine });
  }
  const items: ContextualizeItem[] = [];
  while (ts.isNext('SYSTEM')) items.push(parseContextualizeItem(ts));
  ts.expect('RPAREN');
  return () => ({
    kind: 'contextualize',
    aspect: {
      maxTime: maxToken ? numberValue(maxToken) : null,
      items: dedupe(items, (i) => `${i.system}\u0000${i.configure}`),
      options: dedupe(options, (o) => o.prop),
      line,
    },
  });
}

function parseContextualizeItem(ts: TokenStream): ContextualizeItem {
  const line = ts.expect('SYSTEM').lineno;
  const system = String(ts.expect('VAR').value);
  ts.expect('CONFIGURE');
  const configure = String(ts.expect('VAR').value);
  if (ts.isNext('STEP')) {
    ts.next();
    return { system, configure, step: numberValue(ts.expect('NUMBER')), tool: null, line };
  }
  if (ts.isNext('WITH')) {
    ts.next();
    return { system, configure, step: null, tool: String(ts.expect('VAR').value), line };
  }
  return { system, configure, step: null, tool: null, line };
}

function parseDeploy(ts: TokenStream): Build<Sentence> {
  const line = ts.expect('DEPLOY').lineno;
  const system = String(ts.expect('VAR').value);
  const count = numberValue(ts.expect('NUMBER'));
  const cloudId = ts.isNext('VAR') ? String(ts.next()?.value) : null;
  return () => ({ kind: 'deploy', aspect: { system, count, cloudId, line } });
}
