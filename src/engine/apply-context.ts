/**
 * makeApplyContext builds the ApplyContext a driver gets for one action. Its `mutate` is the
 * write-ahead rule of DESIGN §5 in one place: the intent is durable before the call starts, and
 * resolved (done / failed / unknown) after it. A TRANSIENT or ABORTED failure of a mutating call
 * is recorded as `unknown`: the server may or may not have acted, so the next pass observes first.
 */
import type { ApplyContext } from '../backends/driver.js';
import { asConvergeError } from '../errors/converge-error.js';
import type { IntentAction, Journal } from '../state/types.js';
import { trackInFlight } from './intents/in-flight.js';
import type { EventSink } from './events.js';
import type { RunStats } from './run-stats.js';

export function makeApplyContext(options: {
  key: string;
  backend: string;
  /** action is what the calls made through this context are part of (recorded in each intent). */
  action: IntentAction;
  owner: string;
  journal: Journal;
  signal: AbortSignal;
  sink: EventSink;
  stats: RunStats;
}): ApplyContext {
  const { key, backend, journal } = options;
  return {
    signal: options.signal,
    owner: options.owner,
    progress: (message) => options.sink.emit({ type: 'action-progress', key, message }),
    async mutate(method, target, call, outcome, context) {
      const intent = await journal.begin({ key, backend, method, target, action: options.action, ...(context ? { context } : {}) });
      options.stats.recordMutation(method);
      const landed = trackInFlight(intent.id);
      try {
        const result = await call();
        await journal.resolve(intent.id, { status: 'done', ...(outcome ? { outcome: outcome(result) } : {}) });
        return result;
      } catch (thrown) {
        const error = asConvergeError(thrown);
        // An aborted call was cut off on our side only: like a timeout, the server may have acted.
        await journal.resolve(intent.id, {
          status: error.kind === 'TRANSIENT' || error.code === 'ABORTED' ? 'unknown' : 'failed',
          error: { kind: error.kind, code: error.code, message: error.message },
        });
        throw error;
      } finally {
        landed();
      }
    },
  };
}
