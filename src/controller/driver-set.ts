/**
 * DriverSet keeps one open driver per Backend resource for the controller's life, and follows
 * the manifests: a backend whose spec (or manifest file) changed is reopened, a removed one is
 * closed, others are left alone (their sessions, embedded simulators and event streams go on).
 * New drivers are opened before anything is closed, so a backend that cannot be opened leaves
 * the running set as it was.
 */
import type { Driver } from '../backends/driver.js';
import { openDriver } from '../backends/registry.js';
import type { EventSink } from '../engine/events.js';
import type { RunStats } from '../engine/run-stats.js';
import type { BackendResource } from '../manifest/types.js';
import { fingerprint } from '../util/json.js';
import { renamingDriver, type Rename } from '../workspace/renames.js';

export interface DriverSetOptions {
  stateDir: string;
  sink: EventSink;
  /** statsFor gives the RunStats a backend's driver reports its calls to. */
  statsFor(backend: string): RunStats;
}

/** DriverChanges says which backends a new manifest set opens (new or changed) and closes. */
export interface DriverChanges {
  open: BackendResource[];
  close: string[];
}

export class DriverSet {
  readonly #entries = new Map<string, { fingerprint: string; driver: Driver }>();
  #rename: Rename | undefined;

  constructor(private readonly options: DriverSetOptions) {}

  /**
   * drivers is a snapshot: later changes do not alter a map a pass already holds. Under a rename
   * (metadata.previousNames) they report objects of old keys under the new ones (renames.ts).
   */
  get drivers(): ReadonlyMap<string, Driver> {
    const rename = this.#rename;
    return new Map([...this.#entries].map(([name, e]) => [name, rename ? renamingDriver(e.driver, rename) : e.driver]));
  }

  /** rename is the manifests' rename in force (undefined: none); set while no pass runs. */
  set rename(rename: Rename | undefined) {
    this.#rename = rename;
  }

  changes(backends: ReadonlyMap<string, BackendResource>): DriverChanges {
    const open = [...backends.values()].filter((b) => this.#entries.get(b.metadata.name)?.fingerprint !== backendFingerprint(b));
    const close = [...this.#entries.keys()].filter((name) => !backends.has(name) || open.some((b) => b.metadata.name === name));
    return { open, close };
  }

  /** apply opens `changes.open`, then closes what they replace and `changes.close`. */
  async apply(changes: DriverChanges): Promise<void> {
    const opened: Array<[BackendResource, Driver]> = [];
    try {
      for (const backend of changes.open) {
        const name = backend.metadata.name;
        opened.push([backend, await openDriver(backend, { stateDir: this.options.stateDir, stats: this.options.statsFor(name), sink: this.options.sink })]);
      }
    } catch (error) {
      await Promise.allSettled(opened.map(([, d]) => d.close()));
      throw error;
    }
    await Promise.allSettled(changes.close.map((name) => this.#entries.get(name)?.driver.close()));
    for (const name of changes.close) this.#entries.delete(name);
    for (const [backend, driver] of opened) this.#entries.set(backend.metadata.name, { fingerprint: backendFingerprint(backend), driver });
  }

  async closeAll(): Promise<void> {
    await Promise.allSettled([...this.#entries.values()].map((e) => e.driver.close()));
    this.#entries.clear();
  }
}

/** backendFingerprint: what reopening depends on (not the line numbers of its document). */
function backendFingerprint(backend: BackendResource): string {
  return fingerprint({ spec: backend.spec, file: backend.source.file });
}
