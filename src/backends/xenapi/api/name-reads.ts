/**
 * NameReads answers "which VMs carry this name now?" for creates, whose clone intent records the
 * uuids of the VMs that already had the name (`before`, apply/clone.ts). The names asked in one
 * turn of the event loop are read together, in the next turn, by one `VM.get_all_records_where`
 * with `field "name__label" = "a" or field "name__label" = "b" …` (at most MAX_NAMES names per
 * read). Creates start in bursts (a pass's first wave; the replies of one socket read resuming
 * several creates), so at 0 ms latency 1,000 creates share 50–85 reads; a read out does not hold
 * later names back (they go in a read of their own), so no create waits for another's read.
 *
 * Contract: the read that answers a caller is sent after the caller asked (never an older one),
 * so the window between "before" and the clone is what it was with a read per VM: the read's
 * round trip plus the wait for the next one. A failed read fails every caller it was for.
 */
import { ConvergeError } from '../../../errors/converge-error.js';
import { SignalWatch } from './signal-watch.js';

/** MAX_NAMES bounds one read's expression (and the reply: VMs of those names only). */
export const MAX_NAMES = 64;

interface Waiter {
  resolve(uuids: string[]): void;
  reject(error: unknown): void;
}

/** ReadNamed reads the VMs named any of `names` and returns [name_label, uuid] pairs. */
export type ReadNamed = (names: string[]) => Promise<Array<[string, string]>>;

export class NameReads {
  readonly #read: ReadNamed;
  readonly #queued = new Map<string, Waiter[]>();
  readonly #aborts = new SignalWatch();
  #scheduled = false;

  constructor(read: ReadNamed) {
    this.#read = read;
  }

  /** uuidsNamed resolves with the uuids of the VMs named `name`, read after this call. */
  uuidsNamed(name: string, signal: AbortSignal): Promise<string[]> {
    if (signal.aborted) return Promise.reject(aborted(name));
    return new Promise<string[]>((resolve, reject) => {
      let done = false;
      const unwatch = this.#aborts.add(signal, () => settle(() => reject(aborted(name))));
      const settle = (fn: () => void): void => {
        if (done) return;
        done = true;
        unwatch();
        fn();
      };
      const waiters = this.#queued.get(name) ?? [];
      waiters.push({ resolve: (uuids) => settle(() => resolve(uuids)), reject: (error) => settle(() => reject(error)) });
      this.#queued.set(name, waiters);
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled || this.#queued.size === 0) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      void this.#next();
    });
  }

  async #next(): Promise<void> {
    const batch = new Map<string, Waiter[]>();
    for (const [name, waiters] of this.#queued) {
      if (batch.size >= MAX_NAMES) break;
      batch.set(name, waiters);
    }
    for (const name of batch.keys()) this.#queued.delete(name);
    this.#schedule(); // names beyond MAX_NAMES go in another read
    try {
      const found = await this.#read([...batch.keys()]);
      const uuids = new Map<string, string[]>();
      for (const [label, uuid] of found) uuids.set(label, [...(uuids.get(label) ?? []), uuid]);
      for (const [name, waiters] of batch) for (const waiter of waiters) waiter.resolve(uuids.get(name) ?? []);
    } catch (error) {
      for (const waiters of batch.values()) for (const waiter of waiters) waiter.reject(error);
    }
  }
}

/** nameExpression is the where-expression matching VMs named any of `names`. */
export function nameExpression(names: readonly string[]): string {
  return names.map((name) => `field "name__label" = "${name}"`).join(' or ');
}

function aborted(name: string): ConvergeError {
  return new ConvergeError('TERMINAL', 'ABORTED', `reading the VMs named ${name}: aborted`);
}
