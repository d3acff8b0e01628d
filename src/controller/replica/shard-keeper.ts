/**
 * ShardKeeper is a replica's membership and shard-lease loop. Every renewal period it renews
 * its membership (with what it reports converged) and its shard leases, gives back shards
 * being handed over once no pass works on them, and rebalances towards the fair share
 * (shard-plan.ts): surplus shards are drained and released, free or expired ones claimed.
 * A shard lost (taken over, expired, refused by the store) aborts the passes on it at once; the
 * replica goes on ticking, so after a pause it simply rejoins and claims its share again.
 */
import { asConvergeError } from '../../errors/converge-error.js';
import type { AppliedReport, ReplicaMember, ShardedStateStore, ShardTimings } from '../../state/index.js';
import type { Logger } from '../log/json-log.js';
import { fairShare, planRebalance } from './shard-plan.js';
import { ShardHoldings } from './shard-holdings.js';

export interface ShardKeeperOptions {
  store: ShardedStateStore;
  timings: ShardTimings;
  log: Logger;
  /** applied is what this replica reports converged (every resource of its shards Ready). */
  applied(): AppliedReport | undefined;
  /** gained is awaited before claimed shards are worked on (their state is read first). */
  gained(shards: number[]): Promise<void>;
  lost(shards: number[], reason: string): void;
  /** members is told of the live members after every renewal. */
  members(members: readonly ReplicaMember[]): Promise<void>;
}

export class ShardKeeper {
  readonly holdings: ShardHoldings;
  #members: ReplicaMember[] = [];
  #timer: NodeJS.Timeout | undefined;
  #ticking: Promise<void> | undefined;
  #again = false;
  #closed = false;

  constructor(private readonly o: ShardKeeperOptions) {
    this.holdings = new ShardHoldings(o.store.replicaId, o.timings.ttlMs, {
      lost: (shards, reason) => {
        this.o.log.warn({ shards, reason }, 'shards-lost');
        this.o.lost(shards, reason);
      },
      idle: () => this.tick(),
    });
  }

  /** members are the live replicas as of the last renewal (this one included). */
  get members(): readonly ReplicaMember[] {
    return this.#members;
  }

  /** announce joins the workspace's replicas (membership row); no shard is held yet. */
  async announce(options: { timeoutMs: number; command: string }): Promise<void> {
    await this.o.store.join(options);
    this.#members = await this.o.store.heartbeat(undefined);
  }

  /**
   * start waits one renewal period, so that replicas started together see each other before
   * claiming, takes this replica's fair share, and starts the loop.
   */
  async start(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, this.o.timings.renewMs));
    await this.#tick();
    this.#timer = setInterval(() => this.tick(), this.o.timings.renewMs);
    this.#timer.unref();
  }

  /** tick runs one round now, or right after the round in progress. */
  tick(): void {
    if (this.#closed) return;
    if (this.#ticking) {
      this.#again = true;
      return;
    }
    this.#ticking = this.#tick()
      .catch((error: unknown) => this.o.log.warn({ error: asConvergeError(error).message }, 'shard-renewal-failed'))
      .finally(() => {
        this.#ticking = undefined;
        if (this.#again && !this.#closed) {
          this.#again = false;
          this.tick();
        }
      });
  }

  /** leave stops the loop, drops every shard (their passes are over by now) and removes the membership. */
  async leave(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    await this.#ticking;
    this.holdings.released(this.holdings.held());
    await this.o.store.leave().catch((error: unknown) => this.o.log.warn({ error: asConvergeError(error).message }, 'replica-leave-failed'));
  }

  async #tick(): Promise<void> {
    await this.#renew(); // the leases first: they are what a slow round could lose
    this.#members = await this.o.store.heartbeat(this.o.applied());
    await this.#releaseIdle();
    // The shard map is read only when there is something to claim: a settled replica's round is two statements.
    const short = this.holdings.active().length < fairShare(this.#members.length);
    const map = short ? await this.o.store.shardMap() : [];
    const plan = planRebalance({ replicaId: this.o.store.replicaId, live: this.#members.length, held: this.holdings.active(), map });
    if (plan.release.length > 0) {
      this.o.log.info({ shards: plan.release, live: this.#members.length }, 'shards-handing-over');
      this.holdings.markReleasing(plan.release);
      await this.#releaseIdle();
    }
    if (plan.claim.length > 0 && !this.#closed) await this.#claim(plan.claim);
    await this.o.members(this.#members);
  }

  async #renew(): Promise<void> {
    const tokens = this.holdings.allTokens();
    if (tokens.length === 0) return;
    const startedAt = performance.now();
    this.holdings.renewed(await this.o.store.renew(tokens), tokens, startedAt);
  }

  async #claim(shards: number[]): Promise<void> {
    const startedAt = performance.now();
    const leases = await this.o.store.claim(shards);
    if (leases.length === 0) return;
    this.holdings.add(leases, startedAt);
    const gained = leases.map((l) => l.shard);
    this.o.log.info({ shards: gained, held: this.holdings.held().length, live: this.#members.length }, 'shards-gained');
    try {
      await this.o.gained(gained);
    } catch (error) {
      // Without its state read, the shard cannot be worked on safely: hand it back at once.
      this.o.log.warn({ shards: gained, error: asConvergeError(error).message }, 'shards-not-adopted');
      this.holdings.markReleasing(gained);
      await this.#releaseIdle();
    }
  }

  async #releaseIdle(): Promise<void> {
    const idle = this.holdings.releasable();
    if (idle.length === 0) return;
    await this.o.store.release(idle.map((h) => h.token));
    this.holdings.released(idle.map((h) => h.shard));
    this.o.log.info({ shards: idle.map((h) => h.shard), held: this.holdings.held().length }, 'shards-released');
  }
}
