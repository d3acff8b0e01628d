/**
 * EventHistory is the controller's bounded ring of recent events, per resource, in the shape of
 * Kubernetes events: what happened (`event`), a reason in the conditions' vocabulary, a message
 * for people, when it first and last happened and how often. An event identical to the
 * resource's previous one (same event, reason and message) is counted there instead of added, so
 * a resync that finds everything in order does not push real history out. Served at `/events`,
 * read by `converge events`. Lives in memory: a restarted controller starts a new history.
 */

/** EVENTS_FORMAT_VERSION versions the `/events` document (`{formatVersion, events}`). */
export const EVENTS_FORMAT_VERSION = 1;

/** ControllerEventName is what happened to a resource. */
export type ControllerEventName = 'reconciled' | 'progressing' | 'drift-detected' | 'refused' | 'failed' | 'suspended' | 'resumed' | 'released';

/** ControllerEventType: `Warning` for what someone may need to act on, `Normal` otherwise. */
export type ControllerEventType = 'Normal' | 'Warning';

export interface ControllerEvent {
  /** seq increases by one per event added (not per repeat), across resources. */
  seq: number;
  resource: string;
  event: ControllerEventName;
  type: ControllerEventType;
  reason: string;
  message: string;
  firstAt: string;
  lastAt: string;
  count: number;
}

export interface EventFilter {
  resource?: string;
  /** limit keeps the newest `limit` events. */
  limit?: number;
}

const WARNINGS: ReadonlySet<ControllerEventName> = new Set(['drift-detected', 'refused', 'failed']);

/** DEFAULT_EVENT_CAPACITY bounds the ring (a few hundred bytes each). */
export const DEFAULT_EVENT_CAPACITY = 1000;

export class EventHistory {
  readonly #events: ControllerEvent[] = [];
  readonly #lastOf = new Map<string, ControllerEvent>();
  #seq = 0;

  constructor(private readonly capacity = DEFAULT_EVENT_CAPACITY) {}

  /** add records an event (or counts a repeat of the resource's previous one) and returns it. */
  add(resource: string, event: ControllerEventName, reason: string, message: string, at = new Date().toISOString()): ControllerEvent {
    const last = this.#lastOf.get(resource);
    if (last && last.event === event && last.reason === reason && last.message === message) {
      last.count += 1;
      last.lastAt = at;
      return last;
    }
    const added: ControllerEvent = { seq: ++this.#seq, resource, event, type: WARNINGS.has(event) ? 'Warning' : 'Normal', reason, message, firstAt: at, lastAt: at, count: 1 };
    this.#events.push(added);
    this.#lastOf.set(resource, added);
    if (this.#events.length > this.capacity) this.#drop(this.#events.shift()!);
    return added;
  }

  /** last is the resource's latest event, if the ring still holds one. */
  last(resource: string): ControllerEvent | undefined {
    return this.#lastOf.get(resource);
  }

  /** list returns copies of the events that match, oldest first. */
  list(filter: EventFilter = {}): ControllerEvent[] {
    const matching = this.#events.filter((e) => filter.resource === undefined || e.resource === filter.resource);
    const kept = filter.limit !== undefined ? matching.slice(Math.max(0, matching.length - filter.limit)) : matching;
    return kept.map((e) => ({ ...e }));
  }

  #drop(event: ControllerEvent): void {
    if (this.#lastOf.get(event.resource) === event) this.#lastOf.delete(event.resource);
  }
}
