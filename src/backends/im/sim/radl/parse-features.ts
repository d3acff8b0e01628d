/**
 * The feature grammar of radl: `features : features AND feature | feature | empty` (so a leading
 * `and` is accepted), simple features `name op value [unit]`, string lists, `name contains (...)`
 * and `soft N (...)`. Nested feature sets are built when the parser would reduce them, that is
 * after the token that follows them has been checked.
 */
import type { Token, TokenType } from './lexer.js';
import { buildFeatureSet } from './feature-set.js';
import type { TokenStream } from './token-stream.js';
import type { Feature, FeatureItem, NumberValue, Operator } from './types.js';

const FEATURE_FOLLOW = new Set<TokenType>(['AND', 'RPAREN']);
const COMPARATORS: TokenType[] = ['EQ', 'LT', 'GT', 'GE', 'LE'];
const RANDOM_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

export function parseFeatures(ts: TokenStream): FeatureItem[] {
  const items: FeatureItem[] = [];
  if (ts.isNext('VAR', 'SOFT')) items.push(parseFeature(ts));
  while (ts.isNext('AND')) {
    ts.next();
    items.push(parseFeature(ts));
  }
  return items;
}

export function numberValue(token: Token): NumberValue {
  return { kind: 'number', num: Number(token.value), float: token.float };
}

function parseFeature(ts: TokenStream): FeatureItem {
  const first = ts.expect('VAR', 'SOFT');
  if (first.type === 'SOFT') {
    const weight = numberValue(ts.expect('NUMBER'));
    const inner = parseNested(ts);
    return { soft: true, weight, set: buildFeatureSet(inner), line: first.lineno };
  }
  const prop = String(first.value);
  const op = ts.expect('CONTAINS', ...COMPARATORS);
  if (op.type === 'CONTAINS') {
    const inner = parseNested(ts);
    return { prop, op: 'contains', value: { kind: 'features', set: buildFeatureSet(inner) }, unit: '', line: first.lineno };
  }
  return parseSimple(ts, prop, String(op.value) as Operator, first.lineno);
}

/** parseNested reads `( features )` and checks the follower before the caller builds the set. */
function parseNested(ts: TokenStream): FeatureItem[] {
  ts.expect('LPAREN');
  const inner = parseFeatures(ts);
  ts.expect('RPAREN');
  ts.follows(FEATURE_FOLLOW, false);
  return inner;
}

function parseSimple(ts: TokenStream, prop: string, op: Operator, line: number): Feature {
  const value = ts.expect('NUMBER', 'LBRACK', 'STRING');
  if (value.type === 'NUMBER') {
    const unit = ts.isNext('VAR') ? String(ts.next()?.value) : '';
    return { prop, op, value: numberValue(value), unit, line };
  }
  if (value.type === 'LBRACK') return { prop, op, value: { kind: 'list', items: parseStringList(ts) }, unit: '', line };
  return { prop, op, value: { kind: 'string', text: expandRandom(String(value.value)) }, unit: '', line };
}

function parseStringList(ts: TokenStream): string[] {
  const items: string[] = [];
  if (ts.isNext('STRING')) items.push(String(ts.next()?.value));
  while (ts.isNext('COMMA')) {
    ts.next();
    items.push(String(ts.expect('STRING').value));
  }
  ts.expect('RBRACK');
  return items;
}

/** expandRandom: a string starting `random(N)` (one digit) becomes N random alphanumerics. */
function expandRandom(text: string): string {
  const m = /^random\((\d)\)/.exec(text);
  if (!m) return text;
  let out = '';
  for (let i = 0; i < Number(m[1]); i++) out += RANDOM_ALPHABET[Math.floor(Math.random() * RANDOM_ALPHABET.length)];
  return out;
}
