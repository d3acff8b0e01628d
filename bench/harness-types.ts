/** The types the benchmark harness (harness.ts, harness-child.ts) and compare.ts share. */

export interface PassFigures {
  wallMs: number;
  /** cpuMs: user + system CPU of the converge process (the child; the simulator runs in its own). */
  cpuMs: number;
  calls: Record<string, number>;
  peakRssMB: number;
  outcome: string;
  mutatingCalls: number;
  /** n: the objects of the scenario, for the per-object columns. */
  n: number;
}

/** LoggedCall is one simulator call-log entry: `at` is when the answer left (ms), `durationMs` how long it took. */
export interface LoggedCall {
  method: string;
  at: number;
  durationMs: number;
}

/** ChildResult is what one child measurement prints: both passes, the state file's size, and (when asked) the create's call log. */
export interface ChildResult {
  n: number;
  create: PassFigures;
  noop: PassFigures;
  /** stateBytes: size of `.converge/state.json` after the no-op pass. */
  stateBytes: number;
  createLog?: LoggedCall[];
}

export interface Scenario {
  /** type is the simulator to serve (`converge sim <type>`). */
  type: string;
  title: string;
  /** writeManifests writes the Backend (at `url`) and the resources for N objects into `dir`. */
  writeManifests(dir: string, url: string, n: number, concurrency: number): Promise<void>;
  /** self is the compiled scenario script (import.meta.url), re-run as the child. */
  self: string;
  /** simArgs: extra `converge sim` flags for N objects (e.g. enough XenAPI hosts for N VMs). */
  simArgs?(n: number): string[];
  /** defaultConcurrency: actions in progress when `--concurrency` is not given (default 16). */
  defaultConcurrency?: number;
  /** connections: the Backend's `limits.connections` the scenario writes (calls in flight), printed and used by the latency bound. */
  connections: number;
}

/** totalCalls sums a calls-by-method record. */
export function totalCalls(calls: Record<string, number>): number {
  return Object.values(calls).reduce((a, b) => a + b, 0);
}
