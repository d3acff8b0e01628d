/**
 * A listen backlog as a small Python server has one (IM's SimpleXMLRPCServer listens with a
 * backlog of 5): when more connections arrive at once than the server is serving, the extra ones
 * overflow the kernel's queue, their SYN is dropped and retransmitted about 1 s later. Node
 * accepts at once, so the cost is modelled instead: a connection that arrives while `limit`
 * connections are already in service is held for `penaltyMs` before its requests are served.
 *
 * "In service" means accepted, not held, and not idle between keep-alive requests. A held
 * connection does not count against later arrivals (in TCP it is not queued yet, it is waiting
 * to retransmit), and once its penalty is over it is served without a second penalty.
 */
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** BacklogSettings: at most `limit` connections in service before new ones pay `penaltyMs`. */
export interface BacklogSettings {
  limit: number;
  penaltyMs: number;
}

/** BacklogStats is what `converge.sim.backlogStats` reports: the settings and the count of held connections. */
export interface BacklogStats {
  limit: number;
  penaltyMs: number;
  penalized: number;
}

/**
 * ConnectionBacklog decides, per connection, whether it is held, and lets the request handler
 * wait for the end of the hold. `settings` is read at each arrival so a control call can change
 * it while the server runs; null turns the model off.
 */
export class ConnectionBacklog {
  readonly #settings: () => BacklogSettings | null;
  readonly #inService = new Set<Socket>();
  readonly #heldUntil = new WeakMap<Socket, number>();
  #penalized = 0;

  constructor(settings: () => BacklogSettings | null) {
    this.#settings = settings;
  }

  /** penalized counts the connections held so far. */
  get penalized(): number {
    return this.#penalized;
  }

  /** admit is called for every accepted connection. */
  admit(socket: Socket): void {
    socket.once('close', () => this.#inService.delete(socket));
    const settings = this.#settings();
    if (settings && settings.limit > 0 && this.#inService.size >= settings.limit) {
      this.#penalized += 1;
      this.#heldUntil.set(socket, Date.now() + settings.penaltyMs);
      return;
    }
    this.#inService.add(socket);
  }

  /**
   * served waits until the connection's hold (if any) is over and counts it in service until
   * `done` is called (the reply finished) or the connection closes. Resolves false when the
   * connection closed while held.
   */
  async served(socket: Socket, signal: AbortSignal): Promise<boolean> {
    const until = this.#heldUntil.get(socket);
    if (until !== undefined) {
      this.#heldUntil.delete(socket);
      const wait = until - Date.now();
      if (wait > 0) await sleep(wait, undefined, { signal }).catch(() => undefined);
      if (signal.aborted || socket.destroyed) return false;
    }
    if (!socket.destroyed) this.#inService.add(socket);
    return true;
  }

  /** done marks a keep-alive connection idle after its reply. */
  done(socket: Socket): void {
    this.#inService.delete(socket);
  }
}
