/**
 * BackgroundLane sends the calls nobody waits for (`task.destroy` of a task already read) only
 * when the session's calls channel has a socket to spare, so that they never make a call on a
 * VM's critical path queue behind them: with 16 connections and 16 creates in progress, a burst
 * of destroys took sockets the next clone, marker or start then waited for (goal 3's latency run).
 *
 * Contract:
 * - every call given to `run` is sent, once, in the order given; none is dropped;
 * - a call waits only while the calls channel has `connections - headroom` calls (at least 1)
 *   or more in flight, and at most `maxWaiting` calls wait: beyond that the oldest goes at once, so a busy
 *   run (128 creates over 16 sockets) leaves at most `maxWaiting` read tasks undestroyed at a time
 *   (xapi counts finished tasks towards its 200-task cap until they are destroyed);
 * - `flush` sends everything waiting at once (close drains them).
 */
export interface LaneSlots {
  readonly callsInFlight: number;
  readonly connections: number;
}

export class BackgroundLane {
  readonly #slots: LaneSlots;
  readonly #headroom: number;
  readonly #maxWaiting: number;
  #waiting: Array<() => void> = [];
  #head = 0;

  constructor(slots: LaneSlots, options: { headroom: number; maxWaiting: number }) {
    this.#slots = slots;
    this.#headroom = options.headroom;
    this.#maxWaiting = options.maxWaiting;
  }

  /** run sends `call` now if a socket is to spare and nothing waits before it, else when one is; resolves as the call does. */
  run<T>(call: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#waiting.push(() => call().then(resolve, reject));
      this.pump();
    });
  }

  /** waiting is how many calls are held back now. */
  get waiting(): number {
    return this.#waiting.length - this.#head;
  }

  /** pump sends the waiting calls the channel has room for (and the oldest beyond maxWaiting); call it whenever a call ends. */
  pump(): void {
    while (this.waiting > 0 && (this.#spare() || this.waiting > this.#maxWaiting)) this.#next()();
  }

  /** flush sends every waiting call now. */
  flush(): void {
    while (this.waiting > 0) this.#next()();
  }

  #spare(): boolean {
    return this.#slots.callsInFlight < Math.max(1, this.#slots.connections - this.#headroom);
  }

  #next(): () => void {
    const send = this.#waiting[this.#head]!;
    this.#head += 1;
    if (this.#head > 1024 && this.#head * 2 > this.#waiting.length) {
      this.#waiting = this.#waiting.slice(this.#head);
      this.#head = 0;
    }
    return send;
  }
}
