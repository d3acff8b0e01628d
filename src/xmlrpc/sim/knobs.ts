/**
 * SimKnobs bundles what every simulator takes (DESIGN §6): per-call latency (global or per
 * method), fault injection, a virtual clock and a call log. The XML-RPC server helper applies
 * them to each call when given a SimKnobs, and serves the `converge.sim.*` control methods
 * (control.ts) so that scripts in any language can drive them.
 */
import { SimClock } from './clock.js';
import { CallLog } from './call-log.js';
import { FaultInjector, seededRandom } from './fault-rules.js';

export interface SimKnobsOptions {
  latencyMs?: number;
  methodLatencyMs?: Record<string, number>;
  seed?: number;
  clock?: SimClock;
}

export class SimKnobs {
  latencyMs: number;
  methodLatencyMs: Record<string, number>;
  readonly clock: SimClock;
  readonly log = new CallLog();
  readonly faults: FaultInjector;

  constructor(options: SimKnobsOptions = {}) {
    this.latencyMs = options.latencyMs ?? 0;
    this.methodLatencyMs = { ...(options.methodLatencyMs ?? {}) };
    this.clock = options.clock ?? new SimClock();
    this.faults = new FaultInjector(seededRandom(options.seed ?? 1));
  }

  /** latencyFor gives the artificial delay before answering `method`. */
  latencyFor(method: string): number {
    return this.methodLatencyMs[method] ?? this.latencyMs;
  }

  setLatency(ms: number, method?: string): void {
    if (method) this.methodLatencyMs[method] = ms;
    else this.latencyMs = ms;
  }
}
