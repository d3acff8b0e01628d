/**
 * SignalWatch runs the callbacks registered for an AbortSignal when it aborts, through one
 * listener per signal however many callbacks wait on it. Hundreds of task waiters on the run's
 * one signal each adding and removing their own listener cost O(listeners) per removal (an
 * EventTarget walks its list), a visible share of converge's CPU per VM at 128 VMs in progress.
 */
interface Watched {
  callbacks: Set<() => void>;
  listener: () => void;
}

export class SignalWatch {
  readonly #watched = new Map<AbortSignal, Watched>();

  /** add calls `onAbort` once when `signal` aborts, unless the returned function is called first. */
  add(signal: AbortSignal, onAbort: () => void): () => void {
    let watched = this.#watched.get(signal);
    if (!watched) {
      const callbacks = new Set<() => void>();
      const listener = (): void => {
        this.#watched.delete(signal);
        for (const callback of [...callbacks]) callback();
      };
      watched = { callbacks, listener };
      this.#watched.set(signal, watched);
      signal.addEventListener('abort', listener, { once: true });
    }
    const { callbacks, listener } = watched;
    callbacks.add(onAbort);
    return () => {
      if (!callbacks.delete(onAbort) || callbacks.size > 0 || this.#watched.get(signal) !== watched) return;
      this.#watched.delete(signal);
      signal.removeEventListener('abort', listener);
    };
  }
}
