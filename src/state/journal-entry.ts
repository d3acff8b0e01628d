/**
 * The journal's line format (JSON Lines, one entry per line) and its replay.
 *
 *   {"type":"begin","intent":{…Intent, status "open"}}
 *   {"type":"resolve","id":"…","status":"done","outcome":{…},"endedAt":"…","note":"…"}
 *
 * A line is durable only with its newline: the last segment of a file that does not end in "\n"
 * is a write torn by a crash and is ignored (its begin never returned, so its call never ran; a
 * torn resolve leaves the intent open, to be settled by observation). Any other unparseable line
 * is real damage and stops the replay, because skipping it could hide an open intent.
 */
import { ConvergeError } from '../errors/converge-error.js';
import type { Intent, IntentStatus } from './types.js';

/** BeginEntry records an intent before its mutating call. */
export interface BeginEntry {
  type: 'begin';
  intent: Intent;
}

/** ResolveEntry records how an intent ended; `note` is set by settle. */
export interface ResolveEntry {
  type: 'resolve';
  id: string;
  status: Exclude<IntentStatus, 'open'>;
  outcome?: Record<string, unknown>;
  error?: Intent['error'];
  endedAt: string;
  note?: string;
}

export type JournalEntry = BeginEntry | ResolveEntry;

/** encodeEntry renders one entry as one line, newline included. */
export function encodeEntry(entry: JournalEntry): string {
  return `${JSON.stringify(entry)}\n`;
}

/** replayOpenIntents returns the intents begun and not resolved in `text`, in begin order. */
export function replayOpenIntents(text: string, path: string): Intent[] {
  return replayIntents(text, path).filter((intent) => intent.status === 'open');
}

/**
 * replayIntents returns every intent in `text` with its latest status, outcome and error, in
 * begin order: what the journal knows since it was last compacted.
 */
export function replayIntents(text: string, path: string): Intent[] {
  const intents = new Map<string, Intent>();
  const lines = text.split('\n');
  lines.pop(); // "" after the final newline, or the torn tail of a crashed write
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    const entry = parseLine(line, path, index + 1);
    if (entry?.type === 'begin') intents.set(entry.intent.id, entry.intent);
    if (entry?.type === 'resolve') {
      const intent = intents.get(entry.id);
      if (intent) intents.set(entry.id, resolved(intent, entry));
    }
  });
  return [...intents.values()];
}

function resolved(intent: Intent, entry: ResolveEntry): Intent {
  return {
    ...intent,
    status: entry.status,
    endedAt: entry.endedAt,
    ...(entry.outcome ? { outcome: entry.outcome } : {}),
    ...(entry.error ? { error: entry.error } : {}),
  };
}

/** parseLine parses one complete line; entries of unknown type are skipped (newer writers). */
function parseLine(line: string, path: string, lineNumber: number): JournalEntry | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw corrupt(path, lineNumber, 'not valid JSON');
  }
  if (value === null || typeof value !== 'object') throw corrupt(path, lineNumber, 'not a JSON object');
  const entry = value as { type?: unknown; id?: unknown; intent?: { id?: unknown } };
  if (entry.type === 'begin') {
    if (typeof entry.intent?.id !== 'string') throw corrupt(path, lineNumber, 'begin without intent id');
    return value as BeginEntry;
  }
  if (entry.type === 'resolve') {
    if (typeof entry.id !== 'string') throw corrupt(path, lineNumber, 'resolve without id');
    return value as ResolveEntry;
  }
  return undefined;
}

function corrupt(path: string, line: number, reason: string): ConvergeError {
  return new ConvergeError('TERMINAL', 'JOURNAL_CORRUPT', `journal ${path}:${line} is corrupt: ${reason}`, { path, line });
}
