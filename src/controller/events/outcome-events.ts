/**
 * recordOutcome turns what a pass concluded about a resource into its event (event-history.ts),
 * in the conditions' vocabulary: converged → reconciled (Available), pending → progressing, failed
 * → failed (the error code), blocked → refused (DestroyLimit, DeletionProtected, StalePlan),
 * suspended, released (NotInManifests). `resumed` comes first when a suspended resource is
 * reconciled again.
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
  const previous = history.last(outcome.key);
  if (previous?.event === 'suspended' && outcome.result !== 'suspended') history.add(outcome.key, 'resumed', 'Resumed', 'the suspend annotation is gone: reconciling again', at);
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
