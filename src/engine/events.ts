/**
 * RunEvent is everything a run reports while it works. The CLI renders them as progress lines on
 * a terminal or as one JSON object per line with --json; watch mode logs them. Events carry keys,
 * methods and error codes, never parameters, so they cannot carry secrets.
 */
import type { ActionType } from '../plan/types.js';
import type { ObjectPhase } from '../backends/driver.js';

export type RunEvent =
  | { type: 'pass'; pass: number }
  /** planned: what a pass is about to do (non-noop counts by action) and how many objects whose manifest is gone are left alone. */
  | { type: 'planned'; pass: number; summary: Record<ActionType, number>; leftAlone: number }
  | { type: 'observed'; backend: string; objects: number; ms: number }
  | { type: 'observe-failed'; backend: string; code: string; message: string }
  | { type: 'intent-settled'; key: string; method: string; note: string }
  | { type: 'lock-takeover'; holder: string }
  | { type: 'action-start'; key: string; action: ActionType }
  | { type: 'action-progress'; key: string; message: string }
  | { type: 'action-done'; key: string; action: ActionType; ms: number }
  | { type: 'action-failed'; key: string; action: ActionType; kind: string; code: string; message: string; willRetry: boolean }
  | { type: 'action-skipped'; key: string; action: ActionType; reason: string }
  | { type: 'retry'; method: string; attempt: number; delayMs: number; code: string }
  /** warning: something the user should know that is not a failure (e.g. a lease expired and its object is re-created). */
  | { type: 'warning'; key: string; code: string; message: string }
  | { type: 'waiting'; objects: Array<{ key: string; phase: ObjectPhase; message?: string }>; remainingMs: number };

export interface EventSink {
  emit(event: RunEvent): void;
}

export const silentSink: EventSink = { emit: () => undefined };
