/**
 * The intents whose calls this process is making right now. Watch mode runs passes side by side;
 * an intent that is open because another pass's call is still in flight must not be settled by
 * this pass's observation (its reply will resolve it), only waited for.
 */
const inFlight = new Set<string>();

/** trackInFlight marks intent `id` in flight until the returned function is called. */
export function trackInFlight(id: string): () => void {
  inFlight.add(id);
  return () => inFlight.delete(id);
}

/** isInFlight: this process is still waiting for the reply to intent `id`'s call. */
export function isInFlight(id: string): boolean {
  return inFlight.has(id);
}
