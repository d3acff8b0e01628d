/**
 * runExclusive runs `fn` after every earlier call with the same `key` in this process has settled.
 * It closes the read-check-write windows that async file operations open between concurrent
 * callers in one process; across processes the state lock is what serializes writers.
 */
const tails = new Map<string, Promise<unknown>>();

export async function runExclusive<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const previous = tails.get(key) ?? Promise.resolve();
  const run = previous.then(() => fn());
  const tail = run.catch(() => undefined);
  tails.set(key, tail);
  try {
    return await run;
  } finally {
    // Forget the key once nobody queued behind us, so the map does not grow with every path.
    if (tails.get(key) === tail) tails.delete(key);
  }
}
