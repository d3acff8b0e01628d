/**
 * RadlLexer reproduces radl's PLY lexer token by token, because IM's parse errors print the
 * offending token (`LexToken(VAR,'class',1,3)`) and its line. Written by hand: no JS lexer
 * library copies PLY's states and error behaviour.
 *
 * - States: INITIAL; `body` (inclusive) inside parentheses, where `= < > <= >= [ ] ,` exist;
 *   `recipe` (exclusive) between `@begin` and `@end`, where each raw line is a token.
 * - Characters no rule matches are skipped silently (t_ANY_error), so `=` at top level vanishes.
 * - A `)` with no open parenthesis fails with Python's `pop from empty list`.
 * - Newlines inside strings do not advance the line counter (PLY only counts `\n` tokens).
 */
import { RadlError } from './types.js';

export type TokenType =
  | 'LPAREN' | 'RPAREN' | 'LBRACK' | 'RBRACK' | 'COMMA' | 'NUMBER' | 'AND' | 'EQ' | 'LT' | 'GT'
  | 'GE' | 'LE' | 'SOFT' | 'STRING' | 'VAR' | 'CONTAINS' | 'DEPLOY' | 'CONFIGURE' | 'SYSTEM'
  | 'NETWORK' | 'ANSIBLE' | 'RECIPE_LINE' | 'RECIPE_BEGIN' | 'RECIPE_END' | 'CONTEXTUALIZE'
  | 'STEP' | 'WITH' | 'OPTION' | 'DESCRIPTION';

export interface Token {
  type: TokenType;
  /** text for most tokens; the number for NUMBER (see `float`). */
  value: string | number;
  float: boolean;
  lineno: number;
  lexpos: number;
}

const RESERVED: Record<string, TokenType> = {
  network: 'NETWORK',
  ansible: 'ANSIBLE',
  system: 'SYSTEM',
  soft: 'SOFT',
  and: 'AND',
  contains: 'CONTAINS',
  deploy: 'DEPLOY',
  configure: 'CONFIGURE',
  contextualize: 'CONTEXTUALIZE',
  step: 'STEP',
  with: 'WITH',
  option: 'OPTION',
  description: 'DESCRIPTION',
};

const BODY_OPS: Array<[string, TokenType]> = [
  ['<=', 'LE'], ['>=', 'GE'], ['=', 'EQ'], ['>', 'GT'], ['<', 'LT'], ['[', 'LBRACK'], [']', 'RBRACK'], [',', 'COMMA'],
];
const NUMBER = /[0-9]+\.?[0-9]*/y;
const STRING = /'(?:[^\\']|\\[^\n])*'/y;
const VAR = /[a-zA-Z_.][\p{L}\p{N}_.-]*/uy;
const RECIPE_LINE = /[^\n]*\n/y;

type LexState = 'INITIAL' | 'body' | 'recipe';

export class RadlLexer {
  readonly #data: string;
  #pos = 0;
  #lineno = 1;
  #state: LexState = 'INITIAL';
  readonly #stack: LexState[] = [];

  constructor(data: string) {
    this.#data = data;
  }

  /** next returns the next token, or null at the end of the input. */
  next(): Token | null {
    while (this.#pos < this.#data.length) {
      const token = this.#state === 'recipe' ? this.#recipeToken() : this.#bodyOrInitialToken();
      if (token) return token;
    }
    return null;
  }

  #make(type: TokenType, value: string | number, length: number, float = false): Token {
    const token: Token = { type, value, float, lineno: this.#lineno, lexpos: this.#pos };
    this.#pos += length;
    return token;
  }

  #match(re: RegExp): string | undefined {
    re.lastIndex = this.#pos;
    return re.exec(this.#data)?.[0];
  }

  #recipeToken(): Token | null {
    if (this.#data.startsWith('@end', this.#pos)) {
      this.#pop();
      return this.#make('RECIPE_END', '@end', 4);
    }
    const line = this.#match(RECIPE_LINE);
    if (line === undefined) {
      this.#pos += 1;
      return null;
    }
    const token = this.#make('RECIPE_LINE', line, line.length);
    this.#lineno += 1;
    return token;
  }

  #bodyOrInitialToken(): Token | null {
    const ch = this.#data[this.#pos] ?? '';
    if (ch === ' ' || ch === '\t') {
      this.#pos += 1;
      return null;
    }
    if (this.#state === 'body') {
      for (const [text, type] of BODY_OPS) if (this.#data.startsWith(text, this.#pos)) return this.#make(type, text, text.length);
    }
    return this.#initialToken(ch);
  }

  #initialToken(ch: string): Token | null {
    if (ch === '#') {
      const end = this.#data.indexOf('\n', this.#pos);
      this.#pos = end < 0 ? this.#data.length : end;
      return null;
    }
    if (ch === '(') {
      this.#push('body');
      return this.#make('LPAREN', '(', 1);
    }
    if (ch === ')') {
      this.#pop();
      return this.#make('RPAREN', ')', 1);
    }
    if (ch === '\n') {
      this.#lineno += 1;
      this.#pos += 1;
      return null;
    }
    return this.#valueToken();
  }

  #valueToken(): Token | null {
    const number = this.#match(NUMBER);
    if (number !== undefined) return this.#make('NUMBER', Number(number), number.length, number.includes('.'));
    const string = this.#match(STRING);
    if (string !== undefined) return this.#make('STRING', string.slice(1, -1).replace(/\\'/g, "'"), string.length);
    const word = this.#match(VAR);
    if (word !== undefined) return this.#make(RESERVED[word] ?? 'VAR', word, word.length);
    if (this.#data.startsWith('@begin', this.#pos)) {
      this.#push('recipe');
      return this.#make('RECIPE_BEGIN', '@begin', 6);
    }
    this.#pos += 1;
    return null;
  }

  #push(state: LexState): void {
    this.#stack.push(this.#state);
    this.#state = state;
  }

  #pop(): void {
    const previous = this.#stack.pop();
    if (previous === undefined) throw new RadlError('pop from empty list');
    this.#state = previous;
  }
}
