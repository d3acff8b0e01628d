/**
 * ControllerMetrics is what /metrics serves, in Prometheus text format (prom-client, one
 * registry per controller). Counters move as passes, calls and events happen; gauges are read
 * from their sources at scrape time (queue depth, open journal intents, lease time left).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface MetricSources {
  queue(): { depth: number; inFlight: number; delayed: number };
  /** openIntents counts journal intents begun and not yet resolved. */
  openIntents(): Promise<number>;
  /** leases lists the leased resources with their earliest lease end. */
  leases(): Array<{ resource: string; endsAt: string }>;
  manifestsValid(): boolean;
  /** resources lists every resource the controller reports on: Ready or not, and when it last converged. */
  resources(): Array<{ resource: string; ready: boolean; lastSuccessAt?: string }>;
}

/** BuildInfo labels `converge_build_info`. */
export interface BuildInfo {
  version: string;
}

const GAUGES_NAMED_LIKE_COUNTERS = ['nodejs_active_resources_total', 'nodejs_active_handles_total', 'nodejs_active_requests_total'];

const DURATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

export class ControllerMetrics {
  readonly registry = new Registry();
  readonly reconciles: Counter<'kind' | 'result'>;
  readonly reconcileSeconds: Histogram<'kind' | 'result'>;
  readonly backendCalls: Counter<'backend' | 'method' | 'outcome'>;
  readonly driftCorrections: Counter<'kind'>;
  readonly eventHints: Counter<'backend'>;
  readonly manifestReloads: Counter<'result'>;

  constructor(sources: MetricSources, build: BuildInfo) {
    const registers = [this.registry];
    // Unprefixed, as dashboards expect: process_cpu_seconds_total, nodejs_heap_size_used_bytes, …
    collectDefaultMetrics({ register: this.registry });
    // prom-client's `nodejs_active_*_total` are gauges, and a gauge must not end in `_total`
    // (Prometheus naming); `sum(nodejs_active_handles)` and its siblings give the same figures.
    for (const name of GAUGES_NAMED_LIKE_COUNTERS) this.registry.removeSingleMetric(name);
    new Gauge({ name: 'converge_build_info', help: 'Always 1; labels say which converge and Node.js are running.', labelNames: ['version', 'node'], registers }).set({ version: build.version, node: process.version }, 1);
    this.reconciles = new Counter({ name: 'converge_reconcile_total', help: 'Resource reconciles by kind and result (converged, pending, failed, blocked, released).', labelNames: ['kind', 'result'], registers });
    this.reconcileSeconds = new Histogram({ name: 'converge_reconcile_duration_seconds', help: 'Duration of the pass that reconciled a resource, by kind and result.', labelNames: ['kind', 'result'], buckets: DURATION_BUCKETS, registers });
    this.backendCalls = new Counter({ name: 'converge_backend_calls_total', help: 'Backend API calls by backend, method and outcome (ok, fault, error).', labelNames: ['backend', 'method', 'outcome'], registers });
    this.driftCorrections = new Counter({ name: 'converge_drift_corrections_total', help: 'Creates and updates of objects that had converged before with the same desired spec.', labelNames: ['kind'], registers });
    this.eventHints = new Counter({ name: 'converge_backend_event_hints_total', help: 'Hints received from backend event streams.', labelNames: ['backend'], registers });
    this.manifestReloads = new Counter({ name: 'converge_manifest_reloads_total', help: 'Manifest directory reloads by result (valid, invalid, unchanged).', labelNames: ['result'], registers });
    this.#gauges(sources, registers);
  }

  /** text renders the registry in the Prometheus text exposition format. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  #gauges(sources: MetricSources, registers: Registry[]): void {
    new Gauge({ name: 'converge_queue_depth', help: 'Resource keys waiting for a worker.', registers, collect() { this.set(sources.queue().depth); } });
    new Gauge({ name: 'converge_queue_in_flight', help: 'Resource keys being reconciled.', registers, collect() { this.set(sources.queue().inFlight); } });
    new Gauge({ name: 'converge_queue_delayed', help: 'Resource keys waiting out a retry backoff.', registers, collect() { this.set(sources.queue().delayed); } });
    new Gauge({ name: 'converge_journal_open_intents', help: 'Journal intents begun and not resolved (mutating calls in flight or interrupted).', registers, async collect() { this.set(await sources.openIntents()); } });
    new Gauge({ name: 'converge_manifests_valid', help: '1 when the manifests on disk are valid, 0 while the last good set is kept.', registers, collect() { this.set(sources.manifestsValid() ? 1 : 0); } });
    resourceGauges(sources, registers);
    new Gauge({
      name: 'converge_lease_seconds_left',
      help: 'Seconds until the earliest lease of a leased resource (VesselSet) ends.',
      labelNames: ['resource'],
      registers,
      collect() {
        this.reset();
        const now = Date.now();
        for (const lease of sources.leases()) this.set({ resource: lease.resource }, Math.round((Date.parse(lease.endsAt) - now) / 1000));
      },
    });
  }
}

/** resourceGauges: per resource, Ready (1/0) and the time it last converged (Unix seconds). */
function resourceGauges(sources: MetricSources, registers: Registry[]): void {
  new Gauge({
    name: 'converge_resource_ready',
    help: '1 while a resource is Ready (its live objects match the manifests and are ready), else 0.',
    labelNames: ['resource'],
    registers,
    collect() {
      this.reset();
      for (const r of sources.resources()) this.set({ resource: r.resource }, r.ready ? 1 : 0);
    },
  });
  new Gauge({
    name: 'converge_resource_last_success_timestamp_seconds',
    help: 'When a resource last converged (Unix time, seconds); absent until it has.',
    labelNames: ['resource'],
    registers,
    collect() {
      this.reset();
      for (const r of sources.resources()) if (r.lastSuccessAt) this.set({ resource: r.resource }, Date.parse(r.lastSuccessAt) / 1000);
    },
  });
}
