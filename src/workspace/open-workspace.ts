/**
 * openWorkspace prepares one run: loads and validates the manifests (no backend is contacted if
 * they are invalid), locates the state, opens one driver per Backend and expands the resources.
 * Callers hold the state lock around it when they will mutate.
 */
import { dirname, join, resolve } from 'node:path';
import { ConvergeError } from '../errors/converge-error.js';
import { hasErrors } from '../manifest/diagnostics.js';
import { DiagnosticsError } from '../manifest/diagnostics-error.js';
import { loadManifests } from '../manifest/load-manifests.js';
import type { BackendResource, ManifestSet, WorkloadResource } from '../manifest/types.js';
import { createStateStore, isPostgresUrl, type StateStoreWithTransfer } from '../state/index.js';
import type { StateStore } from '../state/types.js';
import type { DesiredObject, Driver } from '../backends/driver.js';
import { openDriver } from '../backends/registry.js';
import type { EventSink } from '../engine/events.js';
import { RunStats } from '../engine/run-stats.js';
import type { Workspace } from '../engine/workspace.js';
import { renamesOf, renamingDriver, renamingStore } from './renames.js';

export interface WorkspaceOptions {
  dir: string;
  /** statePath is `--state`: a state file path or a `postgres://` URL (default $CONVERGE_STATE). */
  statePath?: string;
  owner?: string;
  /** workspace is `--workspace`: the row of a database state (default $CONVERGE_WORKSPACE, then `default`). */
  workspace?: string;
  sink: EventSink;
}

/** loadValidManifests loads the directory or throws MANIFESTS_INVALID carrying every diagnostic. */
export async function loadValidManifests(dir: string): Promise<ManifestSet> {
  const set = await loadManifests(dir, { checkCredentials: true });
  if (hasErrors(set)) {
    throw new DiagnosticsError('MANIFESTS_INVALID', set.diagnostics);
  }
  return set;
}

/**
 * stateLocationFor is where the state lives: `--state`, else $CONVERGE_STATE, else
 * `<dir>/.converge/state.json`; a `postgres://` URL is returned as is, a path made absolute.
 */
export function stateLocationFor(dir: string, explicit?: string): string {
  const location = explicit ?? process.env.CONVERGE_STATE ?? join(dir, '.converge', 'state.json');
  return isPostgresUrl(location) ? location : resolve(location);
}

/**
 * statePathFor is the local state file's path. For a database state (URL) it is where the local
 * file would be, `<dir>/.converge/state.json`: its directory still holds what is local to one
 * checkout (the embedded simulators' files), and the URL itself is never turned into a path.
 */
export function statePathFor(dir: string, explicit?: string): string {
  const location = stateLocationFor(dir, explicit);
  return isPostgresUrl(location) ? resolve(join(dir, '.converge', 'state.json')) : location;
}

/** openStore opens the state `options` (or the environment) name; see stateLocationFor. */
export function openStore(dir: string, options: { statePath?: string; owner?: string; workspace?: string }): StateStoreWithTransfer {
  const owner = options.owner ?? process.env.CONVERGE_OWNER;
  const workspace = options.workspace ?? nonEmpty(process.env.CONVERGE_WORKSPACE);
  return createStateStore({ url: stateLocationFor(dir, options.statePath), ...(owner ? { owner } : {}), ...(workspace !== undefined ? { workspace } : {}) });
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === '' ? undefined : value;
}

export async function openWorkspace(options: WorkspaceOptions, manifests?: ManifestSet, store?: StateStore): Promise<Workspace> {
  const set = manifests ?? (await loadValidManifests(options.dir));
  const rename = renamesOf(set);
  const opened = store ?? openStore(options.dir, options);
  // Renamed resources (metadata.previousNames) keep their objects: see renames.ts.
  const stateStore = rename ? renamingStore(opened, rename) : opened;
  const stats = new RunStats();
  const backends = new Map<string, BackendResource>();
  for (const r of set.resources) if (r.kind === 'Backend') backends.set(r.metadata.name, r);
  const drivers = new Map<string, Driver>();
  const stateDir = dirname(statePathFor(options.dir, options.statePath));
  try {
    for (const backend of backends.values()) {
      const driver = await openDriver(backend, { stateDir, stats, sink: options.sink });
      drivers.set(backend.metadata.name, rename ? renamingDriver(driver, rename) : driver);
    }
  } catch (error) {
    await Promise.all([...drivers.values()].map((d) => d.close()));
    throw error;
  }
  const desired: DesiredObject[] = set.resources
    .filter((r): r is WorkloadResource => r.kind !== 'Backend')
    .flatMap((r) => drivers.get(r.spec.backend)!.expand(r));
  return {
    dir: options.dir,
    manifests: set,
    store: stateStore,
    backends,
    drivers,
    desired,
    stats,
    close: async () => {
      await Promise.all([...drivers.values()].map((d) => d.close()));
    },
  };
}
