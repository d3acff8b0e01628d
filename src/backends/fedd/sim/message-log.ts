/**
 * MessageLog keeps every fedd message of a run, in order: the calls each access controller took
 * in (request body and response body, or fault) and the calls it made to experiment-controller
 * stores. It is what a conformance test checks against fedd's XSDs. fedd messages carry no
 * secrets (certificates and keys never travel in them), so bodies are kept as they were. Bounded:
 * the oldest entries go past `limit`.
 */
import type { MessageEntry } from './model/access-controller.js';

/** LoggedMessage is a MessageEntry with its place in the run. */
export interface LoggedMessage extends MessageEntry {
  seq: number;
  /** at is the virtual time, epoch ms. */
  at: number;
  testbed: string;
}

export class MessageLog {
  #entries: LoggedMessage[] = [];
  #seq = 0;
  readonly limit: number;

  constructor(limit = 20_000) {
    this.limit = limit;
  }

  record(testbed: string, at: number, entry: MessageEntry): void {
    this.#seq += 1;
    this.#entries.push({ seq: this.#seq, at, testbed, ...entry });
    if (this.#entries.length > this.limit) this.#entries.splice(0, this.#entries.length - this.limit);
  }

  /** since returns the entries after sequence number `seq` (0 = all kept). */
  since(seq = 0): LoggedMessage[] {
    return this.#entries.filter((e) => e.seq > seq);
  }

  get lastSeq(): number {
    return this.#seq;
  }
}
