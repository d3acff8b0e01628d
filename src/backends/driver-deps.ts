/**
 * DriverDeps is what the registry hands a driver's constructor: its Backend resource, the URL
 * to call (the embedded simulator's when `url: embedded`), and the run's stats and event sink.
 */
import type { BackendResource } from '../manifest/types.js';
import type { EventSink } from '../engine/events.js';
import type { RunStats } from '../engine/run-stats.js';

export interface DriverDeps {
  backend: BackendResource;
  url: string;
  stats: RunStats;
  sink: EventSink;
}
