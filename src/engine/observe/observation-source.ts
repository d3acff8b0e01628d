/**
 * ObservationSource supplies the converge loop's observations. The default reads every backend
 * on every pass (what `reconcile` and `plan` want); watch mode passes a cache so that a quiet
 * system costs no reads beyond the event stream and the periodic resync.
 */
import type { Driver } from '../../backends/driver.js';
import { observeAll, type ObserveAllOptions, type Observation } from './observe-all.js';

export interface ObservationSource {
  /** observe returns what every driver in `drivers` has; same contract as observeAll. */
  observe(drivers: ReadonlyMap<string, Driver>, options: ObserveAllOptions): Promise<Observation>;
  /**
   * invalidate says that what the source holds of these backends is stale: the loop made
   * mutating calls on them, or waits for objects on them that are still progressing.
   */
  invalidate(backends: Iterable<string>): void;
}

/** freshObservations reads every backend each time; invalidate has nothing to drop. */
export const freshObservations: ObservationSource = {
  observe: observeAll,
  invalidate: () => undefined,
};
