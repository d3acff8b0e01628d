/**
 * DriverDeps is what the registry hands a driver's constructor: its Backend resource, the URL
 * to call (the embedded simulator's when `url: embedded`), and the run's stats and event sink.
 */
import type { BackendResource } from '../manifest/types.js';
import type { EventSink } from '../engine/events.js';
import type { RunStats } from '../engine/run-stats.js';
import type { PipeRunner } from '../xmlrpc/ssh/pipe-runner.js';

export interface DriverDeps {
  backend: BackendResource;
  url: string;
  stats: RunStats;
  sink: EventSink;
  /**
   * nodeShell replaces ssh to a backend's nodes with an in-process pipe: only `url: embedded`
   * sets it (PlanetLab: the embedded simulator's forwarder), never a real backend.
   */
  nodeShell?: PipeRunner;
}
