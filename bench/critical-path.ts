/**
 * The critical path of one object, derived from a simulator's call log rather than assumed: in a
 * create pass over ONE object every call is that object's (or its pass's), and the calls that
 * had to wait for one another are the ones whose time on the server does not overlap. The
 * longest chain of pairwise non-overlapping calls is the number of round trips a create of one
 * object cannot avoid; with L ms per call and a limit of C calls in flight, N objects need at
 * least ⌈N / C⌉ × path × L (the bound of issue 13, goal 3).
 *
 * Some calls of that chain belong to the pass, not to the object: a login and list calls before
 * the object's first call, a final list and a logout after its last. They are counted by a
 * second run over TWO objects: of a method called c1 times over one object and c2 over two,
 * c2 − c1 calls are the object's and c1 − (c2 − c1) the pass's. That many calls of the method
 * are left out at the end, then at the start of the chain (in the middle they stay: the object
 * waited for them, e.g. a shared event long poll).
 */
import type { LoggedCall } from './harness-types.js';

/** OVERLAP_SLACK_MS: the log's times are whole milliseconds, so calls touching within this are taken as one after the other. */
const OVERLAP_SLACK_MS = 2;

export interface CriticalPath {
  /** calls: the object's path, the longest chain of calls that ran one after another, in order, minus the pass's own calls at its ends. */
  calls: string[];
  /** prologue and epilogue: the chain's once-per-pass calls before and after the object's path. */
  prologue: string[];
  epilogue: string[];
  /** totalCalls: every call of the one-object pass (some ran beside the chain). */
  totalCalls: number;
  /** chainMs: the whole chain's time on the server, latency and server work included. */
  chainMs: number;
  /** pathMs: the object's path's time on the server (latency, server work such as task or create time). */
  pathMs: number;
  /** passMs: first call's start to last call's end. */
  passMs: number;
}

/**
 * criticalPath picks, by earliest end, the longest chain of calls that do not overlap (the
 * classic interval-scheduling greedy: it is optimal for the count).
 */
export function criticalPath(log: readonly LoggedCall[], perPass: Readonly<Record<string, number>> = {}): CriticalPath {
  const spans = log.map((c) => ({ method: c.method, start: c.at - c.durationMs, end: c.at })).sort((a, b) => a.end - b.end);
  const chain: typeof spans = [];
  for (const s of spans) {
    const last = chain[chain.length - 1];
    if (!last || s.start >= last.end - OVERLAP_SLACK_MS) chain.push(s);
  }
  const passMs = spans.length ? Math.max(...spans.map((s) => s.end)) - Math.min(...spans.map((s) => s.start)) : 0;
  const methods = chain.map((s) => s.method);
  const budget = { ...perPass };
  const take = (m: string) => ((budget[m] ?? 0) > 0 ? ((budget[m] = budget[m]! - 1), true) : false);
  let from = 0;
  let to = methods.length;
  while (to > from && take(methods[to - 1]!)) to -= 1;
  while (from < to && take(methods[from]!)) from += 1;
  return {
    calls: methods.slice(from, to),
    pathMs: chain.slice(from, to).reduce((t, s) => t + (s.end - s.start), 0),
    prologue: methods.slice(0, from),
    epilogue: methods.slice(to),
    totalCalls: log.length,
    chainMs: chain.reduce((t, s) => t + (s.end - s.start), 0),
    passMs,
  };
}

/** perPassCalls: per method, the calls of a one-object pass that are the pass's own, c1 − (c2 − c1). */
export function perPassCalls(one: Record<string, number>, two: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [m, c1] of Object.entries(one)) {
    const pass = c1 - Math.max(0, (two[m] ?? 0) - c1);
    if (pass > 0) out[m] = pass;
  }
  return out;
}

/** latencyBoundMs is ⌈n / limit⌉ × pathCalls × latencyMs. */
export function latencyBoundMs(n: number, limit: number, pathCalls: number, latencyMs: number): number {
  return Math.ceil(n / limit) * pathCalls * latencyMs;
}

/** describePath says how the path was derived, for the benchmark's header. */
export function describePath(p: CriticalPath, latencyMs: number): string {
  const chain = p.prologue.length + p.calls.length + p.epilogue.length;
  return (
    `critical path: ${p.calls.length} sequential calls per object, derived from a 1-object create at ${latencyMs} ms/call ` +
    `(${p.totalCalls} calls logged by the simulator; the longest chain of calls that did not overlap has ${chain}, ${p.chainMs} ms on the server, pass ${p.passMs} ms; ` +
    `the object's path ${p.pathMs} ms; ${p.prologue.length + p.epilogue.length} of them the pass's own — by the call counts over 2 objects — left out: ${compact(p.prologue) || '-'} … ${compact(p.epilogue) || '-'}): ${compact(p.calls)}`
  );
}

function compact(methods: readonly string[]): string {
  const runs: string[] = [];
  for (const m of methods) {
    const prev = runs[runs.length - 1];
    const match = prev && /^(.*?)(?: ×(\d+))?$/.exec(prev);
    if (match && match[1] === m) runs[runs.length - 1] = `${m} ×${Number(match[2] ?? 1) + 1}`;
    else runs.push(m);
  }
  return runs.join(' → ');
}
