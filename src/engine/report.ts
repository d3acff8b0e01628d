/**
 * RunReport is the end of a reconcile: per object, converged / failed (with the reason) /
 * skipped / pending; the calls made by method; the calls retried; and the exit code of
 * DESIGN §7 that follows from it.
 */
import type { RetryRecord } from './run-stats.js';

/** ObjectResult: `released` objects were let go (forget): no longer managed, left live. */
export type ObjectResult = 'converged' | 'deleted' | 'released' | 'failed' | 'skipped' | 'pending';

export interface ObjectReport {
  key: string;
  result: ObjectResult;
  reason?: string;
  code?: string;
}

export type RunOutcome = 'converged' | 'partial' | 'blocked' | 'failed';

export interface RunReport {
  outcome: RunOutcome;
  exitCode: 0 | 1 | 3 | 6;
  objects: ObjectReport[];
  passes: number;
  durationMs: number;
  calls: Record<string, number>;
  mutatingCalls: number;
  retries: RetryRecord[];
  /** blocked explains a safety refusal (stale plan, --max-destroy). */
  blocked?: string;
}

export function exitCodeFor(outcome: RunOutcome): RunReport['exitCode'] {
  switch (outcome) {
    case 'converged':
      return 0;
    case 'partial':
      return 3;
    case 'blocked':
      return 6;
    case 'failed':
      return 1;
  }
}
