/**
 * PassGate lets passes run side by side but lets the controller change what they share (close
 * and reopen drivers) only while none runs: `exclusive` stops new passes from entering, waits
 * for those inside to leave, runs, and opens the gate again.
 */
export class PassGate {
  #inside = 0;
  #closed: Promise<void> | undefined;
  #drained: (() => void) | undefined;

  /** enter waits while the gate is closed, then counts one pass in; pair it with leave. */
  async enter(): Promise<void> {
    while (this.#closed) await this.#closed;
    this.#inside += 1;
  }

  leave(): void {
    this.#inside -= 1;
    if (this.#inside === 0) this.#drained?.();
  }

  get inside(): number {
    return this.#inside;
  }

  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    while (this.#closed) await this.#closed;
    let open!: () => void;
    this.#closed = new Promise<void>((resolve) => (open = resolve));
    try {
      if (this.#inside > 0) await new Promise<void>((resolve) => (this.#drained = resolve));
      return await fn();
    } finally {
      this.#drained = undefined;
      this.#closed = undefined;
      open();
    }
  }
}
