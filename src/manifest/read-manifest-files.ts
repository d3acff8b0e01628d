/**
 * Reads the listed manifest files one after another with the synchronous readFileSync, yielding to
 * the event loop every SLICE_MS, so that a watch controller's timers and servers still run during a
 * large load.
 *
 * Why not fs/promises (or callback readFile) with reads in flight: a small file costs four
 * libuv thread-pool round trips (open, fstat, read, close), each with its promise and wake-up. Over
 * 5,000 one-document files that was 190–270 ms of CPU with 32 reads in flight (530 ms with 4),
 * against 40–70 ms for readFileSync (bench/load-bench.ts, layout "each"). The manifests are local
 * files that the loader parses synchronously right after reading; a read that blocks (a hung
 * network file system) stalls the load either way — with readFileSync it also stalls the event
 * loop for that long.
 */
import { readFileSync } from 'node:fs';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';

/** SLICE_MS: the longest the loader keeps the event loop (between files; one file is never split). */
const SLICE_MS = 10;

/** ReadOutcome is a file's text, or the error reading it threw. */
export type ReadOutcome = { text: string } | { error: unknown };

/**
 * mapFilesInOrder reads each file and hands it to `work`, in order, and returns the results in the
 * same order. `work` runs synchronously after its file is read (parsing is synchronous anyway).
 */
export async function mapFilesInOrder<R>(files: readonly string[], work: (file: string, read: ReadOutcome) => R): Promise<R[]> {
  const results: R[] = [];
  let sliceStart = performance.now();
  for (const file of files) {
    if (performance.now() - sliceStart >= SLICE_MS) {
      await yieldToEventLoop();
      sliceStart = performance.now();
    }
    results.push(work(file, readText(file)));
  }
  return results;
}

function readText(file: string): ReadOutcome {
  try {
    return { text: readFileSync(file, 'utf8') };
  } catch (error) {
    return { error };
  }
}
