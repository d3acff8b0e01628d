/**
 * LeaseTimers schedule the next look at leased objects (Seattle VesselSets): leases are desired
 * state, and observe reports `lease.renewAt`, the moment from which the object has less than its
 * renewal margin left and renewing it becomes the plan. A resource is queued just after that
 * moment (a margin ahead of `endsAt`), so renewals never wait for the periodic resync.
 */
import type { Lease, ObservedObject } from '../backends/driver.js';
import { resourceKeyOf } from '../engine/scope.js';

const SLACK_MS = 1_000;
const MAX_TIMER_MS = 2 ** 31 - 1;

export class LeaseTimers {
  readonly #timers = new Map<string, { at: number; timer: NodeJS.Timeout }>();

  /** fire is called with the resource key and backend whose lease is due for a look. */
  constructor(private readonly fire: (resourceKey: string, backend: string) => void) {}

  /**
   * schedule asks for a look at `resourceKey` at `renewAt`, replacing an earlier request: the
   * latest observation is the truth (a renewal moves renewAt on). A time already past is the
   * current pass's business, not a timer's.
   */
  schedule(resourceKey: string, backend: string, renewAt: Date, now = Date.now()): void {
    this.cancel(resourceKey);
    const at = renewAt.getTime() + SLACK_MS;
    if (!Number.isFinite(at) || at <= now) return;
    const timer = setTimeout(() => {
      this.#timers.delete(resourceKey);
      if (Date.now() >= at) this.fire(resourceKey, backend);
      else this.schedule(resourceKey, backend, renewAt);
    }, Math.min(at - now, MAX_TIMER_MS));
    timer.unref();
    this.#timers.set(resourceKey, { at, timer });
  }

  cancel(resourceKey: string): void {
    const existing = this.#timers.get(resourceKey);
    if (existing) clearTimeout(existing.timer);
    this.#timers.delete(resourceKey);
  }

  /** scheduled lists when each resource will be looked at next (for /status). */
  scheduled(): Map<string, Date> {
    return new Map([...this.#timers].map(([key, t]) => [key, new Date(t.at)]));
  }

  stop(): void {
    for (const { timer } of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }
}

/**
 * LeaseWatch follows what observations say about leases: per leased resource, its earliest lease
 * (for the lease-time-left metric) and a timer for its renewal check.
 */
export class LeaseWatch {
  readonly #timers: LeaseTimers;
  readonly #ends = new Map<string, { backend: string; endsAt: string }>();

  constructor(fire: (resourceKey: string, backend: string) => void) {
    this.#timers = new LeaseTimers(fire);
  }

  /** observed takes a fresh observation of `backend`: leases found replace those known. */
  observed(backend: string, objects: readonly ObservedObject[]): void {
    const earliest = new Map<string, Lease>();
    for (const o of objects) {
      const key = resourceKeyOf(o.key);
      const known = earliest.get(key);
      if (o.lease && (!known || Date.parse(o.lease.renewAt) < Date.parse(known.renewAt))) earliest.set(key, o.lease);
    }
    for (const [key, lease] of this.#ends) {
      if (lease.backend !== backend || earliest.has(key)) continue;
      this.#ends.delete(key);
      this.#timers.cancel(key);
    }
    for (const [key, lease] of earliest) {
      this.#ends.set(key, { backend, endsAt: lease.endsAt });
      this.#timers.schedule(key, backend, new Date(lease.renewAt));
    }
  }

  leases(): Array<{ resource: string; endsAt: string }> {
    return [...this.#ends].map(([resource, l]) => ({ resource, endsAt: l.endsAt }));
  }

  scheduled(): Map<string, Date> {
    return this.#timers.scheduled();
  }

  stop(): void {
    this.#timers.stop();
  }
}
