/**
 * The journal's line format (JSON Lines, one entry per line) and its replay.
 *
 *   {"type":"begin","intent":{…Intent, status "open"}}
 *   {"type":"resolve","id":"…","status":"done","outcome":{…},"endedAt":"…"}
 *   {"type":"settle","id":"…","note":"…","outcome":{…},"at":"…"}
 *
 * A line is durable only with its newline: the last segment of a file that does not end in "\n"
 * is a write torn by a crash and is ignored (its begin never returned, so its call never ran; a
 * torn resolve leaves the intent open, to be settled by observation). Any other unparseable line
 * is real damage and stops the replay, because skipping it could hide an open intent.
 */
import { ConvergeError } from '../errors/converge-error.js';
import { isUnsettled, type Intent, type IntentStatus } from './types.js';

/** BeginEntry records an intent before its mutating call. */
export interface BeginEntry {
  type: 'begin';
  intent: Intent;
}

/** ResolveEntry records how an intent's call ended, as its caller saw it. */
export interface ResolveEntry {
  type: 'resolve';
  id: string;
  status: Exclude<IntentStatus, 'open'>;
  outcome?: Record<string, unknown>;
  error?: Intent['error'];
  endedAt: string;
  /** note: journals written before settle entries existed settled intents with a noted resolve. */
  note?: string;
}

/** SettleEntry records that a later look accounted for an open or unknown intent. */
export interface SettleEntry {
  type: 'settle';
  id: string;
  note: string;
  outcome?: Record<string, unknown>;
  at: string;
}

export type JournalEntry = BeginEntry | ResolveEntry | SettleEntry;

/** encodeEntry renders one entry as one line, newline included. */
export function encodeEntry(entry: JournalEntry): string {
  return `${JSON.stringify(entry)}\n`;
}

/** replayUnsettledIntents returns the intents of `text` whose outcome nobody has accounted for. */
export function replayUnsettledIntents(text: string, path: string): Intent[] {
  return replayIntents(text, path).filter(isUnsettled);
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
    const intent = entry && entry.type !== 'begin' ? intents.get(entry.id) : undefined;
    if (intent && entry?.type === 'resolve') intents.set(entry.id, resolved(intent, entry));
    if (intent && entry?.type === 'settle') intents.set(entry.id, settled(intent, entry));
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
    ...(entry.note !== undefined ? { note: entry.note, settledAt: entry.endedAt } : {}),
  };
}

/** settled applies a settle entry: see Journal.settle for the status rule. */
export function settled(intent: Intent, entry: Pick<SettleEntry, 'note' | 'outcome' | 'at'>): Intent {
  const status = intent.status === 'open' ? (entry.outcome ? 'done' : 'unknown') : intent.status;
  return {
    ...intent,
    status,
    endedAt: intent.endedAt ?? entry.at,
    ...(entry.outcome ? { outcome: { ...(intent.outcome ?? {}), ...entry.outcome } } : {}),
    note: entry.note,
    settledAt: entry.at,
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
  if (entry.type === 'resolve' || entry.type === 'settle') {
    if (typeof entry.id !== 'string') throw corrupt(path, lineNumber, `${entry.type} without id`);
    return value as ResolveEntry | SettleEntry;
  }
  return undefined;
}

function corrupt(path: string, line: number, reason: string): ConvergeError {
  return new ConvergeError('TERMINAL', 'JOURNAL_CORRUPT', `journal ${path}:${line} is corrupt: ${reason}`, { path, line });
}
