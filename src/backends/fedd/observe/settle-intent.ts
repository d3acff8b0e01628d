/**
 * settleFeddIntent decides when observation accounts for a fedd call of unknown outcome:
 * - RequestAccess: access controllers cannot list allocations, so an allocation granted by a call
 *   whose reply never arrived cannot be found by any look; waiting would not change that, so the
 *   intent is settled at once with a note saying so (what it may have left holds no nodes). A
 *   reply that did arrive was journaled before anything used it, and recover adopts it.
 * - StartSegment: interrupted (the run died, and its exchange store with it): settled, and a
 *   segment still `starting` is restarted. Unanswered (lost or late reply): while the segment is
 *   still `starting` the access controller may finish it, so the key waits for the settle grace.
 * - TerminateSegment, ReleaseAccess: settled; the next plan re-issues whatever is still needed,
 *   and both read a gone allocation as done.
 */
import type { Intent } from '../../../state/types.js';
import type { IntentSettlement, ObservedObject } from '../../driver.js';
import type { ExperimentDetail } from './observed-experiment.js';

/** settleFeddIntent: see the file comment; undefined leaves other methods to the engine's rule. */
export function settleFeddIntent(intent: Intent, observed: readonly ObservedObject[], now: Date, graceMs: number): IntentSettlement | undefined {
  const testbed = typeof intent.context?.testbed === 'string' ? intent.context.testbed : intent.target;
  const what = `${intent.status === 'open' ? 'interrupted' : 'unanswered'} ${intent.method} on ${testbed}`;
  switch (intent.method) {
    case 'RequestAccess':
      return { verdict: 'settled', note: `${what}: fedd cannot list allocations; if the access controller granted one, it holds no nodes and cannot be found` };
    case 'StartSegment': {
      const segment = (observed[0]?.detail as ExperimentDetail | undefined)?.segments[testbed];
      const waited = now.getTime() - Date.parse(intent.startedAt);
      if (intent.status === 'unknown' && segment?.status === 'starting' && waited < graceMs) {
        return { verdict: 'waiting', message: `${what}: the segment is still starting; looking again for up to ${Math.ceil((graceMs - waited) / 1000)}s` };
      }
      return { verdict: 'settled', note: `${what}: segment ${segment ? segment.status : 'absent'}` };
    }
    case 'TerminateSegment':
    case 'ReleaseAccess':
      return { verdict: 'settled', note: `${what}: planning from what is live` };
    default:
      return undefined;
  }
}
