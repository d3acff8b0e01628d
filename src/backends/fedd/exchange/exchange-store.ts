/**
 * ExchangeStore holds the values access controllers swap through converge while segments start
 * (fedd's synch store, apis/fedd.md §4): SetValue sets a key once (a second set is `Badly Formed
 * Request`); GetValue(wait) blocks until the key is set, its wait runs out (answered without a
 * value, and the access controller asks again) or the key is revoked (the waiter fails); only the
 * allocations of a key's experiment may read or write it, as named by their certificates' fedids.
 *
 * Keys are `converge/<experiment>/…`; the experiment's members are granted by the driver before
 * it starts segments. Revoking a key removes its value, so a restarted segment can publish again.
 * Values live in memory: what must survive a run goes into state through the driver (`seed`).
 */
import { XmlRpcFault } from '../../../xmlrpc/fault.js';

interface Waiter {
  resolve(value: string | undefined): void;
  reject(error: Error): void;
}

/** experimentOf is the experiment prefix of a key (`converge/<name>`), or undefined. */
export function experimentOf(key: string): string | undefined {
  const [root, name] = key.split('/');
  return root === 'converge' && name ? `${root}/${name}` : undefined;
}

/** ExchangeStore is the store's state and rules, without the transport (store-server.ts). */
export class ExchangeStore {
  readonly #values = new Map<string, string>();
  readonly #waiters = new Map<string, Set<Waiter>>();
  readonly #members = new Map<string, Set<string>>();

  /** grant makes `fedids` (hex) the allocations allowed to use experiment `prefix`'s keys. */
  grant(prefix: string, fedids: Iterable<string>): void {
    this.#members.set(prefix, new Set(fedids));
  }

  /** seed restores values kept in state; values already held win. */
  seed(values: Readonly<Record<string, string>>): void {
    for (const [key, value] of Object.entries(values)) if (!this.#values.has(key)) this.#values.set(key, value);
  }

  has(key: string): boolean {
    return this.#values.has(key);
  }

  /** valuesOf returns the values set under experiment `prefix`. */
  valuesOf(prefix: string): Record<string, string> {
    return Object.fromEntries([...this.#values].filter(([key]) => experimentOf(key) === prefix).sort(([a], [b]) => a.localeCompare(b)));
  }

  /** set stores a key's value once and wakes its waiters; faults as fedd's store does. */
  set(caller: string | undefined, key: string, value: string): void {
    this.#authorize(caller, key);
    if (this.#values.has(key)) throw new XmlRpcFault('Badly Formed Request', `key ${key} is already set`);
    this.#values.set(key, value);
    for (const waiter of this.#waiters.get(key) ?? []) waiter.resolve(value);
    this.#waiters.delete(key);
  }

  /** get answers the value, or undefined (not set, and `wait` is false or ran out after `waitMs`). */
  async get(caller: string | undefined, key: string, wait: boolean, waitMs: number, signal: AbortSignal): Promise<string | undefined> {
    this.#authorize(caller, key);
    const value = this.#values.get(key);
    if (value !== undefined || !wait) return value;
    return new Promise<string | undefined>((resolve, reject) => {
      const waiters = this.#waiters.get(key) ?? new Set<Waiter>();
      this.#waiters.set(key, waiters);
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        waiters.delete(waiter);
      };
      const waiter: Waiter = { resolve: (v) => (done(), resolve(v)), reject: (e) => (done(), reject(e)) };
      const onAbort = (): void => waiter.resolve(undefined);
      const timer = setTimeout(() => waiter.resolve(undefined), waitMs);
      signal.addEventListener('abort', onAbort, { once: true });
      waiters.add(waiter);
    });
  }

  /** revoke removes the keys' values and fails whoever waits for them. */
  revoke(keys: Iterable<string>, reason: string): void {
    for (const key of keys) {
      this.#values.delete(key);
      for (const waiter of this.#waiters.get(key) ?? []) waiter.reject(new XmlRpcFault('Badly Formed Request', `key ${key} was revoked: ${reason}`));
      this.#waiters.delete(key);
    }
  }

  /** forget drops experiment `prefix`: its values, members and waiters (it was deleted). */
  forget(prefix: string): void {
    this.revoke([...this.#values.keys(), ...this.#waiters.keys()].filter((k) => experimentOf(k) === prefix), 'the experiment was deleted');
    this.#members.delete(prefix);
  }

  #authorize(caller: string | undefined, key: string): void {
    const prefix = experimentOf(key);
    if (prefix === undefined) throw new XmlRpcFault('Badly Formed Request', `key ${key} belongs to no experiment of this store`);
    if (caller === undefined || !this.#members.get(prefix)?.has(caller)) {
      throw new XmlRpcFault('Access Denied', `${caller ? `fedid:${caller}` : 'a caller without a certificate'} is not an allocation of experiment ${prefix}`);
    }
  }
}
