/**
 * Secret holds a credential value read through a `fromEnv` / `fromFile` reference. It never
 * prints itself: toString, toJSON and util.inspect all give "[redacted]". The raw value is reachable
 * only through `reveal()`, which backends call at the last moment when building a request.
 * Every revealed value is also registered with the redactor so that any text leaving the process
 * (logs, errors, plans, reports) can be scrubbed as a second line of defence.
 */
import { inspect } from 'node:util';
import { registerSecret } from './redact.js';

export class Secret {
  readonly #value: string;
  readonly source: string;

  constructor(value: string, source: string) {
    this.#value = value;
    this.source = source;
    registerSecret(value);
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return '[redacted]';
  }

  toJSON(): string {
    return `[redacted: ${this.source}]`;
  }

  [inspect.custom](): string {
    return `Secret(${this.source})`;
  }
}
