/**
 * Event subscriptions and tokens (xenapi.md §5): class names match case-insensitively, `*`
 * matches every class, `vm/OpaqueRef:…` one object, unknown names nothing. Tokens are
 * `%020d,%020d` (database generation, message generation); `""` means "from the beginning".
 */
import { XenApiError } from '../wire/errors.js';

export class Subscription {
  readonly #all: boolean;
  readonly #classes = new Set<string>();
  readonly #objects = new Set<string>();

  constructor(names: readonly string[]) {
    this.#all = names.includes('*');
    for (const name of names) {
      const slash = name.indexOf('/');
      if (slash < 0) this.#classes.add(name.toLowerCase());
      else this.#objects.add(`${name.slice(0, slash).toLowerCase()}/${name.slice(slash + 1)}`);
    }
  }

  matches(cls: string, ref: string): boolean {
    const lower = cls.toLowerCase();
    return this.#all || this.#classes.has(lower) || this.#objects.has(`${lower}/${ref}`);
  }

  /** names lists what this subscription covers, for merging (event.register). */
  get names(): string[] {
    return [...(this.#all ? ['*'] : []), ...this.#classes, ...this.#objects];
  }
}

export function formatToken(generation: number): string {
  return `${String(generation).padStart(20, '0')},${'0'.padStart(20, '0')}`;
}

/** parseToken gives the generation of a token, undefined for "" (from the beginning). */
export function parseToken(token: string): number | undefined {
  if (token === '') return undefined;
  const m = /^(\d+)(?:,(\d+))?$/.exec(token);
  if (!m) throw new XenApiError('EVENT_FROM_TOKEN_PARSE_FAILURE', [token]);
  return Number(m[1]);
}
