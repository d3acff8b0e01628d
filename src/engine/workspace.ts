/**
 * Workspace is everything one CLI run or controller pass works with: the loaded manifests, the
 * state store, one driver per Backend resource, and the desired objects the resources expand to.
 */
import type { DesiredObject, Driver } from '../backends/driver.js';
import type { BackendResource, ManifestSet } from '../manifest/types.js';
import type { StateStore } from '../state/types.js';
import type { RunStats } from './run-stats.js';

export interface Workspace {
  dir: string;
  manifests: ManifestSet;
  store: StateStore;
  backends: ReadonlyMap<string, BackendResource>;
  drivers: ReadonlyMap<string, Driver>;
  desired: DesiredObject[];
  stats: RunStats;
  close(): Promise<void>;
}
