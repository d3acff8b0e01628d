/**
 * The critical path of one object, derived from a simulator's call log rather than assumed: in a
 * create pass over ONE object every call is that object's (or its pass's), and the calls that
 * had to wait for one another are the ones whose time on the server does not overlap. The
 * longest chain of pairwise non-overlapping calls is the number of round trips a create of one
 * object cannot avoid; with L ms per call and a limit of C calls in flight, N objects need at
 * least ⌈N / C⌉ × path × L (the bound of issue 13, goal 3).
 */
import type { LoggedCall } from './harness-types.js';

/** OVERLAP_SLACK_MS: the log's times are whole milliseconds, so calls touching within this are taken as one after the other. */
const OVERLAP_SLACK_MS = 2;

export interface CriticalPath {
  /** calls: the longest chain of calls that ran one after another, in order. */
  calls: string[];
  /** totalCalls: every call of the one-object pass (some ran beside the chain). */
  totalCalls: number;
  /** chainMs: the chain's own time on the server, latency and server work included. */
  chainMs: number;
  /** passMs: first call's start to last call's end. */
  passMs: number;
}

/**
 * criticalPath picks, by earliest end, the longest chain of calls that do not overlap (the
 * classic interval-scheduling greedy: it is optimal for the count).
 */
export function criticalPath(log: readonly LoggedCall[]): CriticalPath {
  const spans = log.map((c) => ({ method: c.method, start: c.at - c.durationMs, end: c.at })).sort((a, b) => a.end - b.end);
  const chain: typeof spans = [];
  for (const s of spans) {
    const last = chain[chain.length - 1];
    if (!last || s.start >= last.end - OVERLAP_SLACK_MS) chain.push(s);
  }
  const passMs = spans.length ? Math.max(...spans.map((s) => s.end)) - Math.min(...spans.map((s) => s.start)) : 0;
  return { calls: chain.map((s) => s.method), totalCalls: log.length, chainMs: chain.reduce((t, s) => t + (s.end - s.start), 0), passMs };
}

/** latencyBoundMs is ⌈n / limit⌉ × pathCalls × latencyMs. */
export function latencyBoundMs(n: number, limit: number, pathCalls: number, latencyMs: number): number {
  return Math.ceil(n / limit) * pathCalls * latencyMs;
}

/** describePath says how the path was derived, for the benchmark's header. */
export function describePath(p: CriticalPath, latencyMs: number): string {
  const runs: string[] = [];
  for (const m of p.calls) {
    const prev = runs[runs.length - 1];
    const match = prev && /^(.*?)(?: ×(\d+))?$/.exec(prev);
    if (match && match[1] === m) runs[runs.length - 1] = `${m} ×${Number(match[2] ?? 1) + 1}`;
    else runs.push(m);
  }
  return (
    `critical path: ${p.calls.length} sequential calls, derived from a 1-object create at ${latencyMs} ms/call ` +
    `(${p.totalCalls} calls logged by the simulator, ${p.totalCalls - p.calls.length} overlapped others; the chain spent ${p.chainMs} ms on the server, pass ${p.passMs} ms): ${runs.join(' → ')}`
  );
}
