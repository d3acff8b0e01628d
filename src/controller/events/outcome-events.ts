/**
 * recordOutcome turns what a pass concluded about a resource into its event (event-history.ts),
 * in the conditions' vocabulary: converged → reconciled (Available), pending → progressing, failed
 * → failed (the error code), blocked → refused (DestroyLimit, DeletionProtected, StalePlan),
 * suspended, released (NotInManifests). (`resumed` is recorded by the reconciler as a resumed
 * resource's pass starts: recordResumed.)
 */
import { SUSPENDED_MESSAGE } from '../../engine/suspend.js';
import { readyOf, type ResourceOutcome } from '../status/conditions.js';
import type { ControllerEventName, EventHistory } from './event-history.js';

const EVENT_OF: Readonly<Record<ResourceOutcome['result'], ControllerEventName>> = {
  converged: 'reconciled',
  pending: 'progressing',
  failed: 'failed',
  blocked: 'refused',
  suspended: 'suspended',
  released: 'released',
};

export function recordOutcome(history: EventHistory, outcome: ResourceOutcome, at: string): void {
  history.add(outcome.key, EVENT_OF[outcome.result], reasonOf(outcome), messageOf(outcome), at);
}

function reasonOf(outcome: ResourceOutcome): string {
  if (outcome.result === 'failed') return outcome.code ?? 'ReconcileError';
  return readyOf(outcome)[1];
}

function messageOf(outcome: ResourceOutcome): string {
  switch (outcome.result) {
    case 'converged':
      return 'the live objects match the manifests and are ready';
    case 'suspended':
      return SUSPENDED_MESSAGE;
    case 'released':
      return 'no longer in the manifests';
    default:
      return `${outcome.message ?? outcome.result}${outcome.code ? ` [${outcome.code}]` : ''}`;
  }
}

/** recordResumed notes that a resource suspended until now is reconciled again. */
export function recordResumed(history: EventHistory, key: string): void {
  history.add(key, 'resumed', 'Resumed', 'no longer suspended: reconciling it again');
}
