/**
 * JournalView is a file journal's replay kept in memory, so that `unsettled()`, `recent()` and
 * `compact()` (three or four per pass) do not read and parse the whole file again: at 5,000 VMs
 * that was 60,000 lines per read, several times per pass, and a tenth of converge's garbage.
 *
 * Contract: `read()` returns what a replay of the file's bytes would return (journal-entry.ts's
 * rule: JournalReplay), never something else. It holds because
 * - the view starts from a replay of the file, taken under the journal's exclusive lock;
 * - every line this process appends is applied only after its write succeeded (`appended`), in
 *   file order, from the very text written, parsed as a replay parses it (at once: the text is
 *   not kept, only the intents, as a replay of the file would build them);
 * - the file's identity (device, inode, size, mtime, ctime: `fstat` after each of our writes,
 *   `stat` before each read) must be exactly what our own writes left; anything else (another
 *   process appended or rewrote it, a write failed half way, the torn tail was cut) makes the next
 *   read replay the file again. A size that is not our last size plus what we wrote drops the view.
 * So the journal's crash guarantees are untouched: what is on disk, and when, is unchanged; only
 * how this process re-reads its own appends changed.
 */
import { fstatSync, statSync, type Stats } from 'node:fs';
import { hasCode } from './atomic-file.js';
import { JournalReplay } from './journal-entry.js';

/** FileIdentity: numbers, not bigints (an fstat per batch of lines; mtimeMs keeps sub-microsecond digits). */
interface FileIdentity {
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
}

/** ABSENT: the file did not exist when the view was taken (an append creates it). */
const ABSENT: FileIdentity = { dev: -1, ino: -1, size: 0, mtimeMs: -1, ctimeMs: -1 };

export class JournalView {
  readonly #path: string;
  #replay: JournalReplay | undefined;
  #identity: FileIdentity | undefined;

  constructor(path: string) {
    this.#path = path;
  }

  /** read returns the replay of the file, from memory when the file is as our own writes left it. Call under the journal's lock. */
  async read(readText: () => Promise<string>): Promise<JournalReplay> {
    const now = identityOf(statOrAbsent(this.#path));
    if (this.#replay && this.#identity && sameIdentity(now, this.#identity)) return this.#replay;
    // Identity first, then the text: a write landing in between makes the identity stale, never the text.
    const replay = new JournalReplay();
    replay.applyText(await readText(), this.#path);
    this.#replay = replay;
    this.#identity = now;
    return replay;
  }

  /**
   * appended records `text` (complete lines) written through `fd` just now, `bytes` long. The
   * view follows only when the file is our last known one grown by exactly those bytes.
   */
  appended(fd: number, text: string, bytes: number): void {
    if (!this.#replay || !this.#identity) return;
    const after = identityOf(fstatSync(fd));
    const before = this.#identity;
    const ours = before === ABSENT ? after.size === bytes : after.dev === before.dev && after.ino === before.ino && after.size === before.size + bytes;
    if (!ours) return this.drop();
    this.#identity = after;
    try {
      this.#replay.applyText(text, this.#path);
    } catch {
      this.drop(); // a line a replay would refuse: let the next read meet it in the file, as before
    }
  }

  /** drop forgets the view: the next read replays the file (after a failed write, a rewrite). */
  drop(): void {
    this.#replay = undefined;
    this.#identity = undefined;
  }
}

function statOrAbsent(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (error) {
    if (hasCode(error, 'ENOENT')) return undefined;
    throw error;
  }
}

function identityOf(stats: Stats | undefined): FileIdentity {
  if (!stats) return ABSENT;
  return { dev: stats.dev, ino: stats.ino, size: stats.size, mtimeMs: stats.mtimeMs, ctimeMs: stats.ctimeMs };
}

function sameIdentity(a: FileIdentity, b: FileIdentity): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs;
}
