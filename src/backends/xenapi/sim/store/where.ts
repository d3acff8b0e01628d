/**
 * The filter language of get_all_records_where / get_all_where, as xapi's Db_filter lexer and
 * parser define it (xenapi.md §2):
 *
 *   expr  := expr "or" expr | expr "and" expr | "not" expr | "(" expr ")" | "true" | "false"
 *          | value "=" value
 *   value := field "<column>" | "<literal>"
 *
 * Precedence: not > and > or. Columns are the DB names (`name__label`; the API spelling
 * `name_label` is accepted too). Comparison is on the stored string form (stored-form.ts), so a
 * map column compares as xapi's s-expression `(('k' 'v'))` — xapi has no map-key lookup.
 * A parse error or an unknown column is `INTERNAL_ERROR`, as xapi's uncaught exception is.
 */
import type { ClassSpec, Row } from '../schema/types.js';
import { internalError } from '../wire/errors.js';
import { storedString } from './stored-form.js';

type Token = { kind: 'eq' | 'true' | 'false' | 'lparen' | 'rparen' | 'field' | 'and' | 'or' | 'not' | 'eof' } | { kind: 'ident'; text: string };
type Value = { field: string } | { literal: string };
export type WhereExpr =
  | { op: 'true' | 'false' }
  | { op: 'not'; arg: WhereExpr }
  | { op: 'and' | 'or'; left: WhereExpr; right: WhereExpr }
  | { op: 'eq'; left: Value; right: Value };

const KEYWORDS = ['true', 'false', 'field', 'and', 'or', 'not'] as const;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] ?? '';
    if (c === ' ' || c === '\t' || c === '\n') i += 1;
    else if (c === '=' || c === '(' || c === ')') {
      tokens.push({ kind: c === '=' ? 'eq' : c === '(' ? 'lparen' : 'rparen' });
      i += 1;
    } else if (c === '"') {
      const end = text.indexOf('"', i + 1);
      if (end < 0) throw parseError(text);
      tokens.push({ kind: 'ident', text: text.slice(i + 1, end) });
      i = end + 1;
    } else {
      const word = KEYWORDS.find((k) => text.startsWith(k, i));
      if (!word) throw parseError(text);
      tokens.push({ kind: word });
      i += word.length;
    }
  }
  tokens.push({ kind: 'eof' });
  return tokens;
}

function parseError(text: string): Error {
  return internalError(`Db_filter.Expression_error("${text}", Parsing.Parse_error)`);
}

export function parseWhere(text: string): WhereExpr {
  return new WhereParser(text).parse();
}

/** WhereParser is a recursive-descent parser over the token list: or → and → primary. */
class WhereParser {
  readonly #text: string;
  readonly #tokens: Token[];
  #pos = 0;

  constructor(text: string) {
    this.#text = text;
    this.#tokens = tokenize(text);
  }

  parse(): WhereExpr {
    const expr = this.#or();
    this.#take('eof');
    return expr;
  }

  #peek(): Token {
    return this.#tokens[this.#pos] ?? { kind: 'eof' };
  }

  #take(kind: Token['kind']): Token {
    const token = this.#peek();
    if (token.kind !== kind) throw parseError(this.#text);
    this.#pos += 1;
    return token;
  }

  #or(): WhereExpr {
    let left = this.#and();
    while (this.#peek().kind === 'or') {
      this.#take('or');
      left = { op: 'or', left, right: this.#and() };
    }
    return left;
  }

  #and(): WhereExpr {
    let left = this.#primary();
    while (this.#peek().kind === 'and') {
      this.#take('and');
      left = { op: 'and', left, right: this.#primary() };
    }
    return left;
  }

  #primary(): WhereExpr {
    const kind = this.#peek().kind;
    if (kind === 'true' || kind === 'false') {
      this.#take(kind);
      return { op: kind };
    }
    if (kind === 'not') {
      this.#take('not');
      return { op: 'not', arg: this.#primary() };
    }
    if (kind === 'lparen') {
      this.#take('lparen');
      const inner = this.#or();
      this.#take('rparen');
      return inner;
    }
    const left = this.#value();
    this.#take('eq');
    return { op: 'eq', left, right: this.#value() };
  }

  #value(): Value {
    const field = this.#peek().kind === 'field';
    if (field) this.#take('field');
    const ident = this.#take('ident') as { text: string };
    return field ? { field: ident.text } : { literal: ident.text };
  }
}

/** matchWhere evaluates a parsed expression against one row of `spec`. */
export function matchWhere(expr: WhereExpr, spec: ClassSpec, row: Readonly<Row>): boolean {
  const lookup = (v: Value): string => {
    if ('literal' in v) return v.literal;
    const field = spec.fields.get(v.field) ?? spec.fields.get(v.field.replace('__', '_'));
    if (!field) throw internalError(`Db_exn.DBCache_NotFound("missing field", "${v.field}", "${spec.name}")`);
    return storedString(field.type, row[field.name] ?? field.default);
  };
  switch (expr.op) {
    case 'true':
      return true;
    case 'false':
      return false;
    case 'not':
      return !matchWhere(expr.arg, spec, row);
    case 'and':
      return matchWhere(expr.left, spec, row) && matchWhere(expr.right, spec, row);
    case 'or':
      return matchWhere(expr.left, spec, row) || matchWhere(expr.right, spec, row);
    case 'eq':
      return lookup(expr.left) === lookup(expr.right);
  }
}

/**
 * nameEquality: the literal of an expression that is exactly `field "name__label" = "<literal>"`
 * (either side), which get_all_records_where answers from the store's name index; undefined for
 * any other expression, which is evaluated row by row.
 */
export function nameEquality(expr: WhereExpr): string | undefined {
  if (expr.op !== 'eq') return undefined;
  const isName = (v: Value): boolean => 'field' in v && (v.field === 'name__label' || v.field === 'name_label');
  const literal = (v: Value): string | undefined => ('literal' in v ? v.literal : undefined);
  if (isName(expr.left)) return literal(expr.right);
  if (isName(expr.right)) return literal(expr.left);
  return undefined;
}

/**
 * nameEqualities: the literals of an expression made only of name equalities joined by `or`
 * (a row matches iff its name is one of them, so the name index answers it: the union of each
 * name's rows); undefined for any other expression.
 */
export function nameEqualities(expr: WhereExpr): string[] | undefined {
  if (expr.op === 'or') {
    const left = nameEqualities(expr.left);
    const right = left && nameEqualities(expr.right);
    return left && right ? [...left, ...right] : undefined;
  }
  const name = nameEquality(expr);
  return name === undefined ? undefined : [name];
}
