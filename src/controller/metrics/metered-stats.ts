/**
 * MeteredStats is the RunStats a controller hands one backend's driver: every API call it makes
 * (reads, writes and the event long-poll alike) is counted in RunStats as usual and in the
 * `converge_backend_calls_total` counter with the backend's name.
 */
import { RunStats } from '../../engine/run-stats.js';
import type { CallEvent } from '../../xmlrpc/client.js';
import type { ControllerMetrics } from './controller-metrics.js';

export class MeteredStats extends RunStats {
  constructor(
    private readonly backend: string,
    private readonly metrics: ControllerMetrics,
  ) {
    super();
  }

  override recordCall(event: CallEvent): void {
    super.recordCall(event);
    this.metrics.backendCalls.inc({ backend: this.backend, method: event.method, outcome: event.outcome });
  }
}
