/**
 * FileJournal is the write-ahead journal of mutating calls as an append-only JSON Lines file
 * (`<state dir>/journal.jsonl`, format in journal-entry.ts), appended through a file descriptor
 * kept open (appends in flight together share one write and at most one fdatasync).
 * - `begin` and `settle` resolve only after their line is on disk (written and fdatasynced), so
 *   the caller may make the mutating call only after awaiting `begin`.
 * - `resolve` resolves once its line is written to the file (it survives the process being
 *   killed) but does not wait for an fdatasync of its own: the next durable append (the next
 *   `begin`, whose fdatasync flushes every earlier write of the file), `sync`, `close` or the
 *   state store's next write (which calls `sync` first) makes it durable. Lost only to a power
 *   loss before one of those, a resolve leaves its intent open, which is exactly what a crash
 *   between the call's reply and its resolve leaves: the next run settles it by observation.
 *
 * All operations on one path within a process share one descriptor and run one at a time, so
 * lines never interleave and `compact` can swap the file under the appenders safely. Across
 * processes the state lock makes the holder the only writer. Reads (`unsettled`, `recent`,
 * `compact`) are answered from the replay kept in memory while the file is exactly as this
 * process's own writes left it (journal-view.ts), else by reading the file again. The file
 * itself (descriptor, batches, fdatasync, rewrite) is journal-file.ts.
 */
import { newIntentId } from './intent-id.js';
import { journalFileFor, type JournalFile } from './journal-file.js';
import type { Intent, Journal } from './types.js';

/**
 * FileJournalOptions: the journal file; `fence`, run before every write, throws when the writer
 * no longer holds the state lock (FileStateStore passes its lock check); for tests, the clock for
 * startedAt/endedAt.
 */
export interface FileJournalOptions {
  path: string;
  fence?: () => Promise<void>;
  now?: () => Date;
}

type ResolveResult = Parameters<Journal['resolve']>[1];

export class FileJournal implements Journal {
  readonly path: string;
  private readonly file: JournalFile;
  private readonly now: () => Date;
  private readonly fence: () => Promise<void>;

  constructor(options: FileJournalOptions) {
    this.path = options.path;
    this.file = journalFileFor(options.path);
    this.now = options.now ?? (() => new Date());
    this.fence = options.fence ?? (() => Promise.resolve());
  }

  /** begin records the intent durably and returns it with its id and status "open". */
  async begin(intent: Omit<Intent, 'id' | 'status' | 'startedAt'>): Promise<Intent> {
    const startedAt = this.now();
    const begun: Intent = { ...intent, id: newIntentId(startedAt.getTime()), status: 'open', startedAt: startedAt.toISOString() };
    await this.file.append({ type: 'begin', intent: begun }, this.fence, true);
    return begun;
  }

  /** resolve records how the call for intent `id` ended: written, made durable by the next durable append or sync (see above). */
  async resolve(id: string, result: ResolveResult): Promise<void> {
    await this.file.append({ type: 'resolve', id, ...result, endedAt: this.now().toISOString() }, this.fence, false);
  }

  /** sync makes every line written so far durable (one fdatasync if a resolve is not yet covered by one). */
  async sync(): Promise<void> {
    await this.file.sync();
  }

  /** unsettled replays the journal and returns the intents nobody has accounted for, oldest first. */
  async unsettled(): Promise<Intent[]> {
    return this.file.unsettledIntents();
  }

  /** recent replays every intent since the last compaction, with its latest status. */
  async recent(): Promise<Intent[]> {
    return this.file.recentIntents();
  }

  /** settle records that a later look accounted for intent `id` (see Journal.settle). */
  async settle(id: string, note: string, outcome?: Record<string, unknown>): Promise<void> {
    await this.file.append({ type: 'settle', id, note, ...(outcome && { outcome }), at: this.now().toISOString() }, this.fence, true);
  }

  /**
   * compact rewrites the journal atomically with only its unsettled intents (as they stand now).
   * Resolved outcomes are dropped, so call it only after the state that records them is written.
   */
  async compact(): Promise<void> {
    await this.fence();
    await this.file.compact();
  }

  /** replaceAll makes `intents` (as they stand) the whole journal (`converge state migrate`). */
  async replaceAll(intents: Intent[]): Promise<void> {
    await this.fence();
    await this.file.replace(intents);
  }

  /** close releases the shared descriptor (it is reopened by the next append). */
  async close(): Promise<void> {
    await this.file.close();
  }
}
