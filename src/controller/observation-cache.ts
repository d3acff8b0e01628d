/**
 * ObservationCache is watch mode's ObservationSource: per backend, the objects of its last
 * successful observe, served until something says they are stale:
 * - the backend's event stream names one of its objects (or asks for a full re-read),
 * - the converge loop applied changes to it or waits for its objects to become ready,
 * - the manifests changed what is desired of it (observe normalises against the desired spec),
 * - the resync, or the entry is older than `maxAgeMs`.
 * Each backend has a generation that every invalidation bumps; an observe started before an
 * invalidation is not trusted after it. Concurrent passes share one read per backend and
 * generation. A failed observe is not cached: the backend is reported unavailable for that pass;
 * a refused identity (IDENTITY_REFUSED) fails the pass that asked.
 */
import type { Driver, ObservedObject } from '../backends/driver.js';
import type { ConvergeError } from '../errors/converge-error.js';
import { byKeyOf, observeAll, type ObserveAllOptions, type Observation } from '../engine/observe/observe-all.js';
import type { ObservationSource } from '../engine/observe/observation-source.js';

interface Entry {
  objects: ObservedObject[];
  gone: ReadonlyMap<string, string>;
  at: number;
  generation: number;
}

type Read = { objects: ObservedObject[]; gone: ReadonlyMap<string, string> } | { error: ConvergeError };

export interface ObservationCacheOptions {
  maxAgeMs: number;
  /** onObserved is told of every fresh read (lease timers, status). */
  onObserved?(backend: string, objects: readonly ObservedObject[]): void;
  now?(): number;
}

export class ObservationCache implements ObservationSource {
  readonly #entries = new Map<string, Entry>();
  readonly #last = new Map<string, { objects: ObservedObject[]; at: number }>();
  readonly #generations = new Map<string, number>();
  readonly #inflight = new Map<string, { generation: number; read: Promise<Read> }>();
  readonly #now: () => number;

  constructor(private readonly options: ObservationCacheOptions) {
    this.#now = options.now ?? Date.now;
  }

  async observe(drivers: ReadonlyMap<string, Driver>, options: ObserveAllOptions): Promise<Observation> {
    const reads = await Promise.all([...drivers.values()].map(async (driver) => [driver.name, await this.#observe(driver, options)] as const));
    const objects: ObservedObject[] = [];
    const unavailable = new Map<string, ConvergeError>();
    const gone = new Map<string, string>();
    for (const [name, read] of reads) {
      if ('error' in read) unavailable.set(name, read.error);
      else {
        objects.push(...read.objects);
        for (const [key, evidence] of read.gone) gone.set(key, evidence);
      }
    }
    objects.sort((a, b) => a.key.localeCompare(b.key));
    return { objects, byKey: byKeyOf(objects), unavailable, gone };
  }

  invalidate(backends: Iterable<string>): void {
    for (const backend of new Set(backends)) this.#generations.set(backend, this.#generation(backend) + 1);
  }

  invalidateAll(): void {
    this.invalidate([...this.#generations.keys(), ...this.#entries.keys()]);
  }

  /** forget drops a backend whose driver was closed. */
  forget(backend: string): void {
    this.invalidate([backend]);
    this.#entries.delete(backend);
    this.#last.delete(backend);
  }

  /** latest is what each backend last showed (possibly stale), for status pages and metrics. */
  latest(): ReadonlyMap<string, { objects: readonly ObservedObject[]; at: number }> {
    return this.#last;
  }

  #generation(backend: string): number {
    return this.#generations.get(backend) ?? 0;
  }

  #observe(driver: Driver, options: ObserveAllOptions): Promise<Read> {
    const generation = this.#generation(driver.name);
    const entry = this.#entries.get(driver.name);
    if (entry && entry.generation === generation && this.#now() - entry.at < this.options.maxAgeMs) return Promise.resolve(entry);
    const flight = this.#inflight.get(driver.name);
    if (flight && flight.generation === generation) return flight.read;
    const read = this.#read(driver, options, generation).finally(() => {
      if (this.#inflight.get(driver.name)?.read === read) this.#inflight.delete(driver.name);
    });
    this.#inflight.set(driver.name, { generation, read });
    return read;
  }

  async #read(driver: Driver, options: ObserveAllOptions, generation: number): Promise<Read> {
    const at = this.#now();
    // Watch serves addresses on /status: it asks for the access facts that cost a read (XenAPI guest metrics).
    const observation = await observeAll(new Map([[driver.name, driver]]), { ...options, access: true });
    const error = observation.unavailable.get(driver.name);
    if (error) return { error };
    this.#entries.set(driver.name, { objects: observation.objects, gone: observation.gone, at, generation });
    this.#last.set(driver.name, { objects: observation.objects, at });
    this.options.onObserved?.(driver.name, observation.objects);
    return { objects: observation.objects, gone: observation.gone };
  }
}
