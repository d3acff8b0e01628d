/**
 * TokenStream pulls tokens from the lexer one at a time, as PLY's parser does, so that a lexer
 * failure further on never hides an earlier syntax error. parseError renders PLY's p_error.
 */
import { RadlLexer, type Token, type TokenType } from './lexer.js';
import { pyFloat, pyRepr } from '../python.js';
import { RadlError } from './types.js';

export class TokenStream {
  readonly #lexer: RadlLexer;
  #lookahead: Token | null | undefined;

  constructor(data: string) {
    this.#lexer = new RadlLexer(data);
  }

  peek(): Token | null {
    if (this.#lookahead === undefined) this.#lookahead = this.#lexer.next();
    return this.#lookahead;
  }

  next(): Token | null {
    const token = this.peek();
    this.#lookahead = undefined;
    return token;
  }

  /** expect consumes a token of one of `types`, or fails on it as the parser would. */
  expect(...types: TokenType[]): Token {
    const token = this.next();
    if (!token || !types.includes(token.type)) throw parseError(token);
    return token;
  }

  /** follows checks the token after a finished construct without consuming it. */
  follows(types: ReadonlySet<TokenType>, endAllowed: boolean): void {
    const token = this.peek();
    if (token ? !types.has(token.type) : !endAllowed) throw parseError(token);
  }

  isNext(...types: TokenType[]): boolean {
    const token = this.peek();
    return token !== null && types.includes(token.type);
  }
}

/** parseError is radl's p_error: `Line N: Parse error in: LexToken(...)`, or `... None` at the end. */
export function parseError(token: Token | null): RadlError {
  if (!token) return new RadlError('Parse error in: None');
  return new RadlError(`Parse error in: ${lexTokenText(token)}`, token.lineno);
}

export function lexTokenText(token: Token): string {
  const value =
    typeof token.value === 'number' ? (token.float ? pyFloat(token.value) : String(token.value)) : pyRepr(token.value);
  return `LexToken(${token.type},${value},${token.lineno},${token.lexpos})`;
}
