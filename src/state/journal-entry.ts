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

/**
 * replayIntents returns every intent in `text` with its latest status, outcome and error, in
 * begin order: what the journal knows since it was last compacted.
 */
export function replayIntents(text: string, path: string): Intent[] {
  const replay = new JournalReplay();
  replay.applyText(text, path);
  return replay.intents();
}

/**
 * JournalReplay folds entries, in file order, into each intent's latest form: the one replay rule,
 * used for a whole file (replayIntents) and kept up to date line by line by the file journal's
 * in-memory view (journal-view.ts), which must answer exactly what a replay of the file would.
 * The intents it returns are frozen (the view hands the same objects out again).
 */
export class JournalReplay {
  readonly #intents = new Map<string, Intent>();
  #lines = 0;

  /** applyText applies the complete lines of `text`; a last segment without its newline is a torn write and is ignored. */
  applyText(text: string, path: string): void {
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      this.#lines += 1;
      const line = text.slice(start, end);
      start = end + 1;
      if (line.trim() === '') continue;
      const entry = parseLine(line, path, this.#lines);
      if (entry) this.apply(entry);
    }
  }

  apply(entry: JournalEntry): void {
    if (entry.type === 'begin') {
      this.#intents.set(entry.intent.id, Object.freeze(entry.intent));
      return;
    }
    const intent = this.#intents.get(entry.id);
    if (!intent) return;
    this.#intents.set(entry.id, Object.freeze(entry.type === 'resolve' ? resolved(intent, entry) : settled(intent, entry)));
  }

  /** intents: every intent with its latest status, in begin order (a new array). */
  intents(): Intent[] {
    return [...this.#intents.values()];
  }

  unsettled(): Intent[] {
    const out: Intent[] = [];
    for (const intent of this.#intents.values()) if (isUnsettled(intent)) out.push(intent);
    return out;
  }
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
