/**
 * ManifestSync puts the manifests on disk in force, one reload at a time: a valid set becomes
 * the new generation (backends whose spec changed are reopened while no pass runs); an invalid
 * set changes nothing live: its diagnostics are reported and the last good generation stays.
 */
import { formatDiagnostic, hasErrors } from '../manifest/diagnostics.js';
import { loadManifests } from '../manifest/load-manifests.js';
import { ManifestCache } from '../manifest/manifest-cache.js';
import type { ManifestSet, WorkloadResource } from '../manifest/types.js';
import { fingerprint } from '../util/json.js';
import { renamesOf, type Rename } from '../workspace/renames.js';
import { manifestsRevision } from '../workspace/revision.js';
import type { BackendEvents } from './backend-events.js';
import type { DriverSet } from './driver-set.js';
import { backendsOf, buildGeneration, changedResources, type ChangedResources, type Generation } from './generation.js';
import type { Logger } from './log/json-log.js';
import type { ControllerMetrics } from './metrics/controller-metrics.js';
import type { ObservationCache } from './observation-cache.js';
import type { PassGate } from './pass-gate.js';
import type { ManifestReport } from './status/status-document.js';

export interface ManifestSyncDeps {
  dir: string;
  log: Logger;
  metrics: ControllerMetrics;
  drivers: DriverSet;
  events: BackendEvents;
  gate: PassGate;
  cache: ObservationCache;
  current(): Generation | undefined;
  /** publish puts `generation` in force; `changed` names what to look at again. */
  publish(generation: Generation, changed: ChangedResources): void;
  /** streaming is true once the controller follows backend event streams. */
  streaming(): boolean;
  /** rekey moves state records to renamed keys (throws where keys cannot move); see PassState.rekey. */
  rekey(rename: Rename): Promise<boolean>;
}

export class ManifestSync {
  report: ManifestReport = { valid: false, diagnostics: [], checkedAt: new Date(0).toISOString() };
  #chain: Promise<void> = Promise.resolve();
  /** renames is what the renames in force were made from (every resource's previousNames). */
  #renames = fingerprint([]);
  /** cache: a reload parses and checks again only the files whose content changed. */
  readonly cache = new ManifestCache();

  constructor(private readonly deps: ManifestSyncDeps) {}

  /** settled resolves once the reloads asked for so far are done. */
  settled(): Promise<void> {
    return this.#chain;
  }

  /** reload reads the directory again (after the reloads already asked for). */
  reload(reason: string): Promise<void> {
    this.#chain = this.#chain.then(() => this.#reload(reason)).catch((error: unknown) => {
      this.deps.log.error({ reason, error: (error as Error).message }, 'manifests-reload-failed');
    });
    return this.#chain;
  }

  async #reload(reason: string): Promise<void> {
    const { log, metrics } = this.deps;
    // The revision (two git commands) is only recorded: it is read while the files are loaded.
    const [set, revision] = await Promise.all([loadManifests(this.deps.dir, { checkCredentials: true, cache: this.cache }), manifestsRevision(this.deps.dir)]);
    const files = { parsed: this.cache.lastLoad.parsed.length, reused: this.cache.lastLoad.reused.length, dropped: this.cache.lastLoad.dropped.length };
    // /status carries the same diagnostic objects as `validate --json` (docs/JSON.md); log lines the text form.
    const base = { diagnostics: set.diagnostics, checkedAt: new Date().toISOString(), ...(revision ? { revision } : {}) };
    if (hasErrors(set)) {
      this.report = { valid: false, ...base };
      metrics.manifestReloads.inc({ result: 'invalid' });
      log.warn({ reason, diagnostics: set.diagnostics.map(formatDiagnostic), inForce: this.deps.current()?.revision ?? null }, 'manifests-invalid');
      return;
    }
    try {
      const reopened = await this.#syncDrivers(set);
      const renamed = await this.#applyRenames(set);
      const next = buildGeneration(set, this.deps.drivers.drivers, revision, new Date());
      const changed = changedResources(this.deps.current(), next);
      for (const [key, backend] of next.resources) if (reopened.has(backend)) changed.keys.add(key);
      reopened.forEach((b) => changed.backends.add(b));
      renamed.forEach((b) => changed.backends.add(b));
      this.report = { valid: true, ...base };
      this.deps.publish(next, changed);
      metrics.manifestReloads.inc({ result: changed.keys.size > 0 ? 'valid' : 'unchanged' });
      log.info({ reason, revision: revision ?? null, digest: set.digest, changed: [...changed.keys], files }, 'manifests-loaded');
    } catch (error) {
      this.report = { valid: true, ...base, error: `the manifests are valid but could not be put in force: ${(error as Error).message}` };
      log.error({ reason, error: (error as Error).message }, 'manifests-not-in-force');
    }
  }

  /**
   * applyRenames puts the manifests' renames (metadata.previousNames, workspace/renames.ts) in
   * force with no pass running, as reconcile does: state records of old keys move to the new
   * ones, and drivers report objects marked with old keys under the new ones, so a renamed
   * resource keeps its live objects. When the renames change, it returns every backend, whose
   * cached observations hold keys of before.
   */
  async #applyRenames(set: ManifestSet): Promise<Set<string>> {
    const workloads = set.resources.filter((r): r is WorkloadResource => r.kind !== 'Backend');
    const renames = fingerprint(workloads.filter((r) => r.metadata.previousNames?.length).map((r) => [r.kind, r.metadata.name, r.metadata.previousNames!]));
    if (renames === this.#renames) return new Set();
    const rename = renamesOf(set);
    await this.deps.gate.exclusive(async () => {
      if (rename) await this.deps.rekey(rename);
      this.deps.drivers.rename = rename;
    });
    this.#renames = renames;
    if (rename) this.deps.log.info({ renamed: workloads.filter((r) => r.metadata.previousNames?.length).map((r) => `${r.kind}/${r.metadata.name}`) }, 'renames-in-force');
    return new Set(workloads.map((r) => r.spec.backend));
  }

  /** syncDrivers (re)opens and closes drivers for `set`, with no pass running; returns the reopened. */
  async #syncDrivers(set: ManifestSet): Promise<Set<string>> {
    const { drivers, events, cache, gate } = this.deps;
    const changes = drivers.changes(backendsOf(set));
    if (changes.open.length === 0 && changes.close.length === 0) return new Set();
    const names = [...new Set([...changes.close, ...changes.open.map((b) => b.metadata.name)])];
    try {
      await gate.exclusive(async () => {
        await events.stop(names);
        await drivers.apply(changes);
        names.forEach((name) => cache.forget(name));
      });
    } finally {
      if (this.deps.streaming()) events.follow(drivers.drivers);
    }
    return new Set(changes.open.map((b) => b.metadata.name));
  }
}
