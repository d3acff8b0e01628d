/**
 * eventLog turns the engine's RunEvents into log lines: `{"msg":"action-done","key":…}`.
 * Events carry keys, methods and codes, never parameters (events.ts), and the log redacts
 * anyway. Routine progress (passes, observations, waiting) is logged at debug level.
 */
import type { EventSink, RunEvent } from '../../engine/events.js';
import type { Logger } from './json-log.js';

const DEBUG: ReadonlySet<RunEvent['type']> = new Set(['pass', 'planned', 'observed', 'waiting', 'action-progress', 'retry']);
const WARN: ReadonlySet<RunEvent['type']> = new Set(['observe-failed', 'action-failed', 'lock-takeover', 'warning']);

export function eventLog(log: Logger, fields: Record<string, unknown> = {}): EventSink {
  return {
    emit(event) {
      const { type, ...rest } = event;
      const level = DEBUG.has(type) ? 'debug' : WARN.has(type) ? 'warn' : 'info';
      log[level]({ ...fields, ...rest }, type);
    },
  };
}
