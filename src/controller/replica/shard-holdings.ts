/**
 * ShardHoldings are the shards this replica holds, each with its fencing token and a
 * LeaseWatchdog: the watchdog's signal fires when the lease is known lost, or when no renewal
 * landed until `margin` before it could expire for others. It is also the ShardFence the store's
 * writes ask for tokens: a token is handed out only while its lease is valid by this process's
 * monotonic clock, so a replica resumed after a pause refuses its own writes before any timer
 * runs. Passes hold a PassTenure over the shards of their keys: its `signal` aborts them when one
 * of those shards is lost, its `stop` drains them when one is being released (handed over).
 */
import { ConvergeError } from '../../errors/converge-error.js';
import { LeaseWatchdog, leaseMarginMs } from '../../state/lease-watchdog.js';
import { shardOfKey, type ShardFence, type ShardLease } from '../../state/index.js';

interface Holding {
  shard: number;
  token: number;
  /** validUntil is performance.now() past which the lease may have expired for others (less the margin). */
  validUntil: number;
  watchdog: LeaseWatchdog;
  stop: AbortController;
  releasing: boolean;
  passes: number;
}

/** PassTenure is a pass's hold on the shards of its keys; call end() when the pass is over. */
export interface PassTenure {
  signal: AbortSignal;
  stop: AbortSignal;
  end(): void;
}

export interface HoldingsEvents {
  /** lost is told of shards whose lease was lost (not released), with why. */
  lost(shards: number[], reason: string): void;
  /** idle is told when a shard being released has no pass left on it. */
  idle(): void;
}

export class ShardHoldings implements ShardFence {
  readonly #held = new Map<number, Holding>();
  readonly #marginMs: number;
  /** refusals counts writes refused for a lost shard, by where they were refused. */
  readonly refusals = { local: 0, store: 0 };

  constructor(
    readonly replicaId: string,
    private readonly ttlMs: number,
    private readonly events: HoldingsEvents,
  ) {
    this.#marginMs = leaseMarginMs(ttlMs);
  }

  /** add records newly claimed leases; `startedAt` is performance.now() when the claim was sent. */
  add(leases: readonly ShardLease[], startedAt: number): void {
    for (const lease of leases) {
      const remaining = this.#remaining(startedAt);
      const watchdog = new LeaseWatchdog({ marginMs: this.#marginMs, describe: `lease on shard ${lease.shard}`, remainingMs: remaining });
      const holding: Holding = { shard: lease.shard, token: lease.token, validUntil: performance.now() + remaining - this.#marginMs, watchdog, stop: new AbortController(), releasing: false, passes: 0 };
      watchdog.signal.addEventListener('abort', () => this.#expired(holding), { once: true });
      this.#held.set(lease.shard, holding);
    }
  }

  /** extend records renewed leases; every held shard missing from `renewed` is lost. */
  renewed(renewed: readonly ShardLease[], tokensSent: readonly number[], startedAt: number): void {
    const byToken = new Set(renewed.map((lease) => lease.token));
    const lost: number[] = [];
    for (const holding of this.#held.values()) {
      if (!tokensSent.includes(holding.token)) continue;
      if (!byToken.has(holding.token)) {
        lost.push(holding.shard);
        continue;
      }
      const remaining = this.#remaining(startedAt);
      holding.validUntil = performance.now() + remaining - this.#marginMs;
      holding.watchdog.extend(remaining);
    }
    this.lose(lost, 'its lease expired or was taken over');
  }

  /** lose drops shards whose lease is gone: their passes are aborted at once. */
  lose(shards: readonly number[], reason: string): void {
    const gone = shards.filter((shard) => this.#held.has(shard));
    for (const shard of gone) {
      const holding = this.#held.get(shard)!;
      this.#held.delete(shard);
      holding.watchdog.lost(`shard ${shard}: ${reason}`);
    }
    if (gone.length > 0) this.events.lost(gone, reason);
  }

  /** markReleasing starts handing shards over: no new work is taken for them, their passes drain. */
  markReleasing(shards: readonly number[]): void {
    for (const shard of shards) {
      const holding = this.#held.get(shard);
      if (!holding) continue;
      holding.releasing = true;
      holding.stop.abort();
    }
  }

  /** releasable lists the tokens of shards being released that no pass works on any more. */
  releasable(): Array<{ shard: number; token: number }> {
    return [...this.#held.values()].filter((h) => h.releasing && h.passes === 0).map((h) => ({ shard: h.shard, token: h.token }));
  }

  /** released forgets shards given back to the store (their signals fire LOCK_RELEASED). */
  released(shards: readonly number[]): void {
    for (const shard of shards) {
      const holding = this.#held.get(shard);
      this.#held.delete(shard);
      holding?.watchdog.released();
    }
  }

  /** owns: the shard is held, valid, and not being handed over. */
  owns(shard: number): boolean {
    const holding = this.#held.get(shard);
    return holding !== undefined && !holding.releasing && this.#valid(holding);
  }

  /** active lists the shards held and not being released. */
  active(): number[] {
    return [...this.#held.values()].filter((h) => !h.releasing).map((h) => h.shard).sort((a, b) => a - b);
  }

  /** releasing lists the shards being handed over. */
  releasing(): number[] {
    return [...this.#held.values()].filter((h) => h.releasing).map((h) => h.shard).sort((a, b) => a - b);
  }

  /** allTokens: every token held, released or not (renewals keep draining shards alive). */
  allTokens(): number[] {
    return [...this.#held.values()].map((h) => h.token);
  }

  tokenFor(shard: number): number | undefined {
    const holding = this.#held.get(shard);
    return holding && this.#valid(holding) ? holding.token : undefined;
  }

  tokens(): number[] {
    return [...this.#held.values()].filter((h) => this.#valid(h)).map((h) => h.token);
  }

  held(): number[] {
    return [...this.#held.keys()].sort((a, b) => a - b);
  }

  refused(shards: readonly number[], where: 'local' | 'store'): void {
    this.refusals[where] += 1;
    this.lose(shards, where === 'store' ? 'the store refused a write under its token' : 'its lease lapsed before a write');
  }

  /** tenure holds the shards of `keys` for one pass (see PassTenure). */
  tenure(keys: readonly string[]): PassTenure {
    const holdings = [...new Set(keys.map(shardOfKey))].map((shard) => this.#held.get(shard));
    const missing = holdings.some((h) => h === undefined);
    const held = holdings.filter((h): h is Holding => h !== undefined);
    for (const h of held) h.passes += 1;
    let ended = false;
    return {
      signal: missing ? AbortSignal.abort(new ConvergeError('CONFLICT', 'SHARD_LEASE_LOST', 'a shard of this pass is no longer held')) : AbortSignal.any(held.map((h) => h.watchdog.signal)),
      stop: AbortSignal.any(held.map((h) => h.stop.signal)),
      end: () => {
        if (ended) return;
        ended = true;
        for (const h of held) h.passes -= 1;
        if (held.some((h) => h.releasing && h.passes === 0)) this.events.idle();
      },
    };
  }

  #valid(holding: Holding): boolean {
    return !holding.watchdog.signal.aborted && performance.now() < holding.validUntil;
  }

  #remaining(startedAt: number): number {
    return this.ttlMs - (performance.now() - startedAt);
  }

  #expired(holding: Holding): void {
    if (this.#held.get(holding.shard) !== holding) return;
    this.lose([holding.shard], 'no renewal landed before it could expire');
  }
}
