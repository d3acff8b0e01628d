/**
 * SimKnobs bundles what every simulator takes (DESIGN §6): per-call latency (global or per
 * method), fault injection, a virtual clock, a call log and a listen-backlog model (off unless a
 * simulator or a caller turns it on). The XML-RPC server helper applies them to each call when
 * given a SimKnobs, and serves the `converge.sim.*` control methods (control.ts) so that scripts
 * in any language can drive them.
 */
import { ConnectionBacklog, type BacklogSettings, type BacklogStats } from './backlog.js';
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
  /** backlogSettings: null = every connection is served at once. */
  backlogSettings: BacklogSettings | null = null;
  readonly backlog = new ConnectionBacklog(() => this.backlogSettings);

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

  /** setBacklog holds connections beyond `limit` in service for `penaltyMs`; a limit of 0 turns it off. */
  setBacklog(limit: number, penaltyMs = 1000): void {
    if (!Number.isInteger(limit) || limit < 0) throw new Error(`backlog must be a whole number >= 0, got ${limit}`);
    if (!Number.isFinite(penaltyMs) || penaltyMs < 0) throw new Error(`backlog penalty must be milliseconds >= 0, got ${penaltyMs}`);
    this.backlogSettings = limit === 0 ? null : { limit, penaltyMs };
  }

  backlogStats(): BacklogStats {
    return { limit: this.backlogSettings?.limit ?? 0, penaltyMs: this.backlogSettings?.penaltyMs ?? 0, penalized: this.backlog.penalized };
  }
}
