/**
 * The create bound of issue 13's goal 3 for the IM benchmark: ⌈N/16⌉ × (calls on one object's
 * critical path) × latency. One infrastructure's create has three calls on its critical path:
 * CreateInfrastructure, then the re-observe's GetInfrastructureState and ExportInfrastructure
 * (im-observe.ts; the pass's GetInfrastructureList is shared by all objects).
 *
 * Two figures are printed: the issue's formula as written (16 calls in flight, each costing only
 * the latency), and what IM allows: at most `connections` calls in flight (4 by default; the
 * real server's listen backlog is 5, apis/im.md §g, and the simulator holds a sixth connection
 * for a second), and a CreateInfrastructure whose reply waits for the server's create time
 * (the simulator's --create-base-ms + 2 × --create-ms-per-vm, default 100 + 2 × 50 ms).
 */

export interface BoundInput {
  counts: number[];
  latencyMs: number;
  concurrency: number;
  connections: number;
  /** simArgs are the extra `converge sim` flags (create timing read from them). */
  simArgs: string;
}

/** CRITICAL_PATH_CALLS: CreateInfrastructure, GetInfrastructureState, ExportInfrastructure. */
export const CRITICAL_PATH_CALLS = 3;
const VMS_PER_INFRASTRUCTURE = 2;

export function printImCreateBounds(input: BoundInput): void {
  const createMs = simFlag(input.simArgs, 'create-base-ms', 100) + VMS_PER_INFRASTRUCTURE * simFlag(input.simArgs, 'create-ms-per-vm', 50);
  const inFlight = Math.min(input.concurrency, input.connections);
  for (const n of input.counts) {
    const issue = Math.ceil(n / 16) * CRITICAL_PATH_CALLS * input.latencyMs;
    const im = Math.ceil(n / inFlight) * (CRITICAL_PATH_CALLS * input.latencyMs + createMs);
    console.log(
      `create bound N=${n}: issue's ⌈N/16⌉ × ${CRITICAL_PATH_CALLS} calls × ${input.latencyMs} ms = ${(issue / 1000).toFixed(2)} s; ` +
        `IM's ⌈N/${inFlight}⌉ × (${CRITICAL_PATH_CALLS} × ${input.latencyMs} ms + ${createMs} ms create) = ${(im / 1000).toFixed(2)} s ` +
        `(concurrency ${input.concurrency}, connections ${input.connections})`,
    );
  }
}

function simFlag(simArgs: string, name: string, fallback: number): number {
  const match = new RegExp(`--${name}[ =](\\d+)`).exec(simArgs);
  return match ? Number(match[1]) : fallback;
}
