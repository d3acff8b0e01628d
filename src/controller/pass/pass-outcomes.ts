/**
 * What a pass concluded per resource, from its report (or from the error that ended it). A
 * resource is converged when all its desired objects are; pending while any is still
 * progressing; failed when any failed or was skipped; `released` when nothing of it is desired
 * any more (pruned, orphaned, or left alone without prune). Retryable failures are queued again
 * with backoff; an invalid spec, a refused credential, a failed object or a safety refusal
 * waits for a manifest change (or the resync).
 */
import type { ConvergeError } from '../../errors/converge-error.js';
import type { ObjectReport, RunReport } from '../../engine/report.js';
import { resourceKeyOf } from '../../engine/scope.js';
import type { ResourceOutcome } from '../status/conditions.js';

const FINAL_KINDS = new Set(['INVALID', 'UNAUTHORIZED', 'TERMINAL', 'NOT_FOUND']);
const BLOCKING_CODES = new Set(['MAX_DESTROY', 'DELETION_PROTECTED', 'STALE_PLAN']);
const FINAL_CODES = new Set(['OBJECT_FAILED', 'OBJECT_DEGRADED', 'MAX_DESTROY', 'DELETION_PROTECTED', 'PLAN_CHECK_FAILED']);

/** outcomesFromReport: `failureKinds` maps object keys to the kind of their last failed action. */
export function outcomesFromReport(report: RunReport, keys: Iterable<string>, failureKinds: ReadonlyMap<string, string>): ResourceOutcome[] {
  const byResource = new Map<string, ObjectReport[]>();
  for (const o of report.objects) byResource.set(resourceKeyOf(o.key), [...(byResource.get(resourceKeyOf(o.key)) ?? []), o]);
  return [...new Set([...keys, ...byResource.keys()])].sort().map((key) => outcomeOf(key, byResource.get(key) ?? [], failureKinds));
}

function outcomeOf(key: string, objects: readonly ObjectReport[], failureKinds: ReadonlyMap<string, string>): ResourceOutcome {
  const desired = objects.filter((o) => o.result !== 'deleted' && o.result !== 'released');
  if (desired.length === 0) return { key, result: 'released' };
  // A safety refusal of this resource alone (watch holds each resource to --max-destroy on its own).
  const refused = objects.find((o) => o.result === 'failed' && BLOCKING_CODES.has(o.code ?? ''));
  if (refused) return { key, result: 'blocked', code: refused.code!, message: refused.reason ?? refused.code!, retryable: false };
  const failed = desired.find((o) => o.result === 'failed' || o.result === 'skipped');
  if (failed) {
    const kind = failureKinds.get(failed.key);
    const retryable = !(kind !== undefined && FINAL_KINDS.has(kind)) && !FINAL_CODES.has(failed.code ?? '');
    return { key, result: 'failed', code: failed.code ?? 'FAILED', message: `${failed.key}: ${failed.reason ?? failed.result}`, retryable };
  }
  const pending = desired.find((o) => o.result === 'pending');
  if (pending) return { key, result: 'pending', code: 'PENDING', message: `${pending.key}: ${pending.reason ?? 'pending'}`, retryable: true };
  return { key, result: 'converged' };
}

/** outcomesFromError: a pass that ended by an error (safety refusal, plan check) ends so for every key. */
export function outcomesFromError(error: ConvergeError, keys: Iterable<string>): ResourceOutcome[] {
  const blocked = BLOCKING_CODES.has(error.code);
  const retryable = !blocked && !FINAL_CODES.has(error.code) && !FINAL_KINDS.has(error.kind);
  return [...keys].sort().map((key) => ({ key, result: blocked ? 'blocked' : 'failed', code: error.code, message: error.message, retryable }));
}
