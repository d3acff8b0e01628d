/**
 * JournalFile owns the one append descriptor of one journal path in this process (FileJournal,
 * file-journal.ts, is its Journal face): appends batched under one fence check, one write and at
 * most one fdatasync; reads answered from the replay kept in memory while the file is exactly as
 * this process's writes left it (journal-view.ts); compaction by an atomic rewrite. Every
 * operation on a path runs under one keyed mutex, so lines never interleave.
 */
import { writeSync } from 'node:fs';
import { type FileHandle, mkdir, open, readFile, truncate } from 'node:fs/promises';
import { dirname, resolve as resolvePath } from 'node:path';
import { fsyncDir, hasCode, writeFileAtomic } from './atomic-file.js';
import { encodeEntry, type JournalEntry } from './journal-entry.js';
import { JournalView } from './journal-view.js';
import { runExclusive } from '../util/keyed-mutex.js';
import type { Intent } from './types.js';

export type Fence = () => Promise<void>;

interface QueuedLine {
  text: string;
  fence: Fence;
  /** durable: the caller waits for an fdatasync covering the line (begin, settle), not only its write (resolve). */
  durable: boolean;
  resolve(): void;
  reject(error: unknown): void;
}

export class JournalFile {
  private handle: FileHandle | undefined;
  /** unsynced: a line was written to `handle` that no fdatasync has covered yet. */
  private unsynced = false;
  private readonly view: JournalView;

  constructor(readonly path: string) {
    this.view = new JournalView(path);
  }

  /**
   * append resolves once the entry is on disk. Appends that arrive while a write is in flight are
   * committed together by the next one (one fence check, one write, one fdatasync for the batch,
   * in arrival order): with 16 creates in flight, a lock-file read and an fdatasync per line made
   * the journal the critical path of every create. No caller is answered before its own line is
   * durable, and no line is written unless its `fence` passed just before the write. A batch of
   * only non-durable lines (resolves) is written without an fdatasync; the next durable batch's
   * fdatasync covers it, as fdatasync flushes every earlier write of the file.
   */
  append(entry: JournalEntry, fence: Fence, durable: boolean): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queued.push({ text: encodeEntry(entry), fence, durable, resolve, reject });
      if (!this.flushing) void this.flushQueued();
    });
  }

  private queued: QueuedLine[] = [];
  private flushing = false;

  private async flushQueued(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queued.length > 0) {
        const batch = this.queued;
        this.queued = [];
        // commit answers every line itself; anything else that fails must not strand the batch.
        await this.exclusive(() => this.commit(batch)).catch((error: unknown) => batch.forEach((line) => line.reject(error)));
      }
    } finally {
      this.flushing = false;
    }
  }

  /** commit writes the lines whose fence passes (each distinct fence runs once) and answers every caller. */
  private async commit(batch: QueuedLine[]): Promise<void> {
    const refused = new Map<Fence, unknown>();
    for (const fence of new Set(batch.map((line) => line.fence))) await fence().catch((error: unknown) => refused.set(fence, error));
    const passed = batch.filter((line) => !refused.has(line.fence));
    batch.filter((line) => refused.has(line.fence)).forEach((line) => line.reject(refused.get(line.fence)));
    if (passed.length === 0) return;
    try {
      await this.write(passed.length === 1 ? passed[0]!.text : passed.map((line) => line.text).join(''), passed.some((line) => line.durable));
      passed.forEach((line) => line.resolve());
    } catch (error) {
      passed.forEach((line) => line.reject(error));
    }
  }

  /**
   * write appends `text` with write(2) called synchronously (into the page cache: ~10 µs of CPU
   * for a batch, against ~40 µs through the thread pool), then fdatasyncs through the pool when
   * `durable`: the fdatasync is what waits for the disk. The in-memory view follows the lines
   * once they are in the file (a failed fdatasync does not take them out of it).
   */
  private async write(text: string, durable: boolean): Promise<void> {
    const handle = await this.appendHandle();
    const length = Buffer.byteLength(text, 'utf8');
    try {
      // The string itself (node encodes it without a Buffer of ours); the rest of a short write as bytes.
      let offset = writeSync(handle.fd, text, null, 'utf8');
      if (offset < length) {
        const bytes = Buffer.from(text, 'utf8');
        while (offset < length) offset += writeSync(handle.fd, bytes, offset, length - offset);
      }
    } catch (error) {
      this.view.drop(); // part of the batch may be in the file
      throw error;
    }
    this.view.appended(handle.fd, text, length);
    this.unsynced = true;
    if (durable) await this.datasync(handle);
  }

  private async datasync(handle: FileHandle): Promise<void> {
    this.unsynced = false; // callers hold the exclusive lock: no write runs until this returns
    try {
      await handle.datasync(); // data and file size: all a reader of an append needs
    } catch (error) {
      this.unsynced = true;
      throw error;
    }
  }

  /** sync fdatasyncs the lines written since the last fdatasync, if any (every answered append is written). */
  sync(): Promise<void> {
    return this.exclusive(async () => {
      if (this.unsynced && this.handle !== undefined) await this.datasync(this.handle);
    });
  }

  recentIntents(): Promise<Intent[]> {
    return this.exclusive(async () => (await this.view.read(() => this.readText())).intents());
  }

  unsettledIntents(): Promise<Intent[]> {
    return this.exclusive(async () => (await this.view.read(() => this.readText())).unsettled());
  }

  compact(): Promise<void> {
    return this.exclusive(async () => this.rewrite((await this.view.read(() => this.readText())).unsettled()));
  }

  replace(intents: Intent[]): Promise<void> {
    return this.exclusive(() => this.rewrite(intents));
  }

  /** rewrite replaces the file atomically with one begin entry per intent, as each stands now. */
  private async rewrite(intents: Intent[]): Promise<void> {
    await this.closeHandle(); // the rename below replaces the inode our descriptor points at
    this.view.drop(); // the next read replays the rewritten file (only its unsettled intents: small)
    await mkdir(dirname(this.path), { recursive: true });
    await writeFileAtomic(this.path, intents.map((intent) => encodeEntry({ type: 'begin', intent })).join(''));
  }

  close(): Promise<void> {
    return this.exclusive(() => this.closeHandle());
  }

  private async appendHandle(): Promise<FileHandle> {
    if (this.handle !== undefined) return this.handle;
    await mkdir(dirname(this.path), { recursive: true });
    const existed = await this.cutTornTail();
    this.handle = await open(this.path, 'a', 0o600);
    if (!existed) await fsyncDir(dirname(this.path)); // make the new file's name durable too
    return this.handle;
  }

  /**
   * cutTornTail truncates a last line left without its newline by a crash, so that the next
   * append starts a fresh line instead of gluing itself onto garbage. Returns whether the file
   * existed.
   */
  private async cutTornTail(): Promise<boolean> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.path);
    } catch (error) {
      if (hasCode(error, 'ENOENT')) return false;
      throw error;
    }
    if (bytes.length > 0 && bytes[bytes.length - 1] !== 0x0a) await truncate(this.path, bytes.lastIndexOf(0x0a) + 1);
    return true;
  }

  private async readText(): Promise<string> {
    try {
      return await readFile(this.path, 'utf8');
    } catch (error) {
      if (hasCode(error, 'ENOENT')) return '';
      throw error;
    }
  }

  private async closeHandle(): Promise<void> {
    const handle = this.handle;
    if (handle !== undefined && this.unsynced) await this.datasync(handle);
    this.handle = undefined;
    await handle?.close();
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return runExclusive(`journal:${this.path}`, fn);
  }
}

const journalFiles = new Map<string, JournalFile>();

/** journalFileFor: the process's one JournalFile of `path` (made on first use). */
export function journalFileFor(path: string): JournalFile {
  const key = resolvePath(path);
  let file = journalFiles.get(key);
  if (file === undefined) {
    file = new JournalFile(key);
    journalFiles.set(key, file);
  }
  return file;
}
