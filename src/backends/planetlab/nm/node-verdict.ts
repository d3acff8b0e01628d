/**
 * What a failed look at a node means for its sliver. NM lag is normal (nm-errors.ts): the node
 * learns PLC's changes only at its next poll (10–15 minutes), so 102/108 are `progressing`. The
 * same holds for a refused ssh login as the controller while the controller slice is younger
 * than a poll cycle: the node creates the controller's account (and installs its members' keys)
 * at the poll after the slice appears. Everything else (host key problems, a node that does not
 * answer, a login refused long after) is that node's problem: its sliver is `degraded` with the
 * reason, and neither the slice nor the other nodes are held up.
 */
import { ConvergeError, asConvergeError } from '../../../errors/converge-error.js';
import type { ObjectStatus } from '../../driver.js';
import { isNodeLag } from './nm-errors.js';

/** POLL_GRACE_MS covers one Node Manager poll cycle (600 s + up to 300 s) and some slack. */
export const POLL_GRACE_MS = 20 * 60_000;

/** controllerPending: a refused login that the next poll will fix. */
export function controllerPending(error: unknown, controllerCreatedMs: number | undefined, now: Date): boolean {
  return error instanceof ConvergeError && error.code === 'SSH_LOGIN_REFUSED' && controllerCreatedMs !== undefined && now.getTime() - controllerCreatedMs < POLL_GRACE_MS;
}

/** nodeStatus is the status of a sliver whose node could not be read or acted on. */
export function nodeStatus(error: unknown, controllerCreatedMs: number | undefined, now: Date): ObjectStatus {
  const e = asConvergeError(error);
  if (isNodeLag(e)) return { phase: 'progressing', changing: true, message: `waiting for the node's next poll: ${e.message}` };
  if (controllerPending(e, controllerCreatedMs, now)) {
    return { phase: 'progressing', changing: true, message: `waiting for the node's next poll to create the controller's account: ${e.message}` };
  }
  return { phase: 'degraded', message: e.message };
}

/** applyError retypes a node failure met while acting: a pending controller is retried, not final. */
export function applyError(error: unknown, controllerCreatedMs: number | undefined, now: Date): unknown {
  if (!controllerPending(error, controllerCreatedMs, now)) return error;
  const e = error as ConvergeError;
  return new ConvergeError('CONFLICT', 'NM_CONTROLLER_PENDING', `${e.message}; the controller slice is new, so the node creates its account at its next poll`, e.details, { cause: e });
}
