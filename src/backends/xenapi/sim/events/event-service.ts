/**
 * event.from, event.inject and the legacy event.register / next / unregister (xenapi.md §5):
 * - event.from returns at once when something subscribed changed after the token (or for the
 *   `""` full dump), else blocks until a change or `timeout` seconds of real time and returns
 *   `events: []`; a token older than the bounded log is `EVENTS_LOST []`, a session that went
 *   away while blocked `SESSION_INVALID [session]`;
 * - event.inject touches a row (a `mod` event) and returns the token just before it;
 * - event.next blocks (no timeout) until events for the session's registration exist and returns
 *   them uncoalesced, with Unix-time timestamps; `SESSION_NOT_REGISTERED [session]` without a
 *   registration, `EVENTS_LOST []` when its position fell out of the log.
 */
import type { XmlRpcValue } from '../../../../xmlrpc/value.js';
import type { SimContext } from '../dispatch/context.js';
import { classByLowerName } from '../schema/index.js';
import { handleInvalid, XenApiError } from '../wire/errors.js';
import { coalesced, eventRecord, fullDump, validRefCounts } from './event-batch.js';
import { formatToken, parseToken, Subscription } from './subscription.js';

const NEXT_WAIT_MS = 3600 * 1000;

interface Registration {
  names: Set<string>;
  cursor: number;
}

export class EventService {
  readonly #ctx: SimContext;
  readonly #registrations = new Map<string, Registration>();

  constructor(ctx: SimContext) {
    this.#ctx = ctx;
  }

  get #log() {
    return this.#ctx.store.events;
  }

  async from(session: string, classes: string[], token: string, timeoutSec: number, signal: AbortSignal): Promise<XmlRpcValue> {
    const since = parseToken(token);
    const sub = new Subscription(classes);
    const deadline = Date.now() + Math.max(0, timeoutSec) * 1000;
    for (;;) {
      this.#ctx.sessions.requireValid(session);
      if (since !== undefined && this.#log.isLost(since)) throw new XenApiError('EVENTS_LOST', []);
      const events = since === undefined ? fullDump(this.#ctx, sub) : coalesced(this.#ctx, this.#log.since(since), sub);
      const remaining = deadline - Date.now();
      if (since === undefined || events.length > 0 || remaining <= 0 || signal.aborted) {
        return { events, valid_ref_counts: validRefCounts(this.#ctx), token: formatToken(this.#log.generation) };
      }
      await this.#log.wait(remaining, signal);
    }
  }

  inject(cls: string, ref: string): string {
    const spec = classByLowerName(cls);
    if (!spec || !this.#ctx.store.get(spec.name, ref)) throw handleInvalid(cls, ref);
    const token = formatToken(this.#log.generation);
    this.#ctx.store.touch(spec.name, ref);
    return token;
  }

  register(session: string, classes: string[]): void {
    const reg = this.#registrations.get(session) ?? { names: new Set<string>(), cursor: this.#log.generation };
    for (const name of classes) reg.names.add(name);
    this.#registrations.set(session, reg);
  }

  unregister(session: string, classes: string[]): void {
    const reg = this.#registrations.get(session);
    if (!reg) return;
    for (const name of classes) reg.names.delete(name);
    if (reg.names.size === 0) this.#registrations.delete(session);
  }

  async next(session: string, signal: AbortSignal): Promise<XmlRpcValue> {
    for (;;) {
      this.#ctx.sessions.requireValid(session);
      const reg = this.#registrations.get(session);
      if (!reg) throw new XenApiError('SESSION_NOT_REGISTERED', [session]);
      if (this.#log.isLost(reg.cursor)) {
        reg.cursor = this.#log.generation;
        throw new XenApiError('EVENTS_LOST', []);
      }
      const sub = new Subscription([...reg.names]);
      const entries = this.#log.since(reg.cursor).filter((e) => sub.matches(e.cls, e.ref));
      if (entries.length > 0) {
        reg.cursor = this.#log.generation;
        return entries.map((e) => eventRecord(this.#ctx, e, (e.at / 1000).toFixed(6)));
      }
      if (signal.aborted) return [];
      await this.#log.wait(NEXT_WAIT_MS, signal);
    }
  }

  /** forget drops a logged-out session's registration. */
  forget(session: string): void {
    this.#registrations.delete(session);
  }
}
