/**
 * Conditions in the Kubernetes / Crossplane shape: each resource reports `Ready` (the live
 * objects are what the manifests ask for, and ready) and `Synced` (the last reconcile ran
 * without error). `lastTransitionTime` moves only when `status` changes.
 */
export type ConditionStatus = 'True' | 'False' | 'Unknown';

export interface Condition {
  status: ConditionStatus;
  reason: string;
  message?: string;
  lastTransitionTime: string;
}

/**
 * PassResult is what one pass concluded about one resource. `blocked`: a safety rule refused to
 * act on it (its reason names the rule); `suspended`: its manifest asks converge to leave it be.
 */
export type PassResult = 'converged' | 'pending' | 'failed' | 'blocked' | 'released' | 'suspended';

/** REFUSAL_REASONS names the condition reason of each safety refusal, Flux style. */
const REFUSAL_REASONS: Readonly<Record<string, string>> = { MAX_DESTROY: 'DestroyLimit', DELETION_PROTECTED: 'DeletionProtected', STALE_PLAN: 'StalePlan' };

function refusalReason(outcome: ResourceOutcome): string {
  return REFUSAL_REASONS[outcome.code ?? ''] ?? 'Blocked';
}

export interface ResourceOutcome {
  key: string;
  result: PassResult;
  /** code and message explain a failed, blocked or pending result. */
  code?: string;
  message?: string;
  /** retryable failures are queued again with backoff; others wait for a change or the resync. */
  retryable?: boolean;
}

export function condition(previous: Condition | undefined, status: ConditionStatus, reason: string, at: string, message?: string): Condition {
  return {
    status,
    reason,
    ...(message ? { message } : {}),
    lastTransitionTime: previous && previous.status === status ? previous.lastTransitionTime : at,
  };
}

/** readyOf maps a pass result to the Ready condition's status and reason. */
export function readyOf(outcome: ResourceOutcome): [ConditionStatus, string] {
  switch (outcome.result) {
    case 'converged':
      return ['True', 'Available'];
    case 'pending':
      return ['False', 'Progressing'];
    case 'released':
      return ['Unknown', 'NotInManifests'];
    case 'blocked':
      return ['False', refusalReason(outcome)];
    case 'suspended':
      return ['Unknown', 'Suspended'];
    default:
      return ['False', 'Unavailable'];
  }
}

/** syncedOf maps a pass result to the Synced condition's status and reason. */
export function syncedOf(outcome: ResourceOutcome): [ConditionStatus, string] {
  switch (outcome.result) {
    case 'failed':
      return ['False', 'ReconcileError'];
    case 'blocked':
      return ['False', refusalReason(outcome)];
    case 'suspended':
      return ['False', 'Suspended'];
    default:
      return ['True', 'ReconcileSuccess'];
  }
}
