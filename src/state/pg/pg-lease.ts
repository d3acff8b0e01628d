/**
 * PgLease is a held workspace lease: a row of `<schema>.leases` carrying this process's identity
 * and a fencing token. It renews the row every `renewMs` (the database clock sets the new expiry),
 * retries a failed renewal after a second, and its `signal` fires (LeaseWatchdog) when a renewal
 * finds the lease gone, when a fenced write does, when no renewal succeeded until shortly before
 * the lease could expire, and on release. Nothing here keeps the process alive.
 */
import { LeaseWatchdog, leaseMarginMs } from '../lease-watchdog.js';
import type { LockHandle, LockHolder } from '../types.js';
import type { PgContext } from './pg-context.js';
import { holderOf, type LeaseRow } from './pg-lease-row.js';

/** PgLeaseTimings: lease length and renewal period, in milliseconds. */
export interface PgLeaseTimings {
  ttlMs: number;
  renewMs: number;
}

export class PgLease implements LockHandle {
  readonly token: number;
  private current: LockHolder;
  private readonly watchdog: LeaseWatchdog;
  private readonly timer: NodeJS.Timeout;
  private retry: NodeJS.Timeout | undefined;
  private renewing: Promise<void> | undefined;
  private releasing: Promise<void> | undefined;

  /** `startedAt` is performance.now() when the transaction that took the lease began. */
  constructor(
    private readonly ctx: PgContext,
    holder: LockHolder,
    private readonly timings: PgLeaseTimings,
    startedAt: number,
  ) {
    this.current = holder;
    this.token = holder.fencingToken!;
    this.watchdog = new LeaseWatchdog({ marginMs: leaseMarginMs(timings.ttlMs), describe: `lease on workspace ${ctx.workspace}`, remainingMs: remaining(timings.ttlMs, startedAt) });
    this.timer = setInterval(() => this.renew(), timings.renewMs);
    this.timer.unref();
  }

  get holder(): LockHolder {
    return this.current;
  }

  get signal(): AbortSignal {
    return this.watchdog.signal;
  }

  /**
   * state: `released` once release began; `lost` once the signal fired otherwise (taken over,
   * removed, or not renewed in time: the holder has stopped acting and writes nothing more).
   */
  get state(): 'held' | 'released' | 'lost' {
    if (this.releasing !== undefined) return 'released';
    return this.signal.aborted ? 'lost' : 'held';
  }

  /** lost records that the lease is gone (a renewal or a fenced write found it so). */
  lost(reason: string): void {
    this.stopTimers();
    this.watchdog.lost(reason);
  }

  /** release deletes the lease row if it is still ours; idempotent; a database that cannot be reached is left to expire it. */
  release(): Promise<void> {
    this.releasing ??= this.deleteRow();
    return this.releasing;
  }

  private async deleteRow(): Promise<void> {
    this.stopTimers();
    await this.renewing;
    try {
      await this.ctx.connection.query('releasing the lease', `DELETE FROM ${this.ctx.s}.leases WHERE workspace = $1 AND token = $2`, [this.ctx.workspace, this.token]);
    } catch {
      // unreachable database: the lease expires by itself within its ttl
    } finally {
      this.watchdog.released();
    }
  }

  private renew(): void {
    if (this.renewing !== undefined || this.releasing !== undefined || this.signal.aborted) return;
    const startedAt = performance.now();
    this.renewing = this.ctx.connection
      .query<LeaseRow>(
        'renewing the lease',
        `UPDATE ${this.ctx.s}.leases SET renewed_at = now(), expires_at = now() + $3::double precision * interval '1 millisecond'
         WHERE workspace = $1 AND token = $2 AND expires_at > now() RETURNING *`,
        [this.ctx.workspace, this.token, this.timings.ttlMs],
      )
      .then(([row]) => {
        if (row === undefined) return this.lost(`the lease on workspace ${this.ctx.workspace} expired or was taken over (fencing token ${this.token})`);
        this.current = holderOf(row);
        this.watchdog.extend(remaining(this.timings.ttlMs, startedAt));
      })
      .catch(() => {
        // retried soon; the watchdog fires if no renewal lands in time
        clearTimeout(this.retry);
        this.retry = setTimeout(() => this.renew(), Math.min(1_000, this.timings.renewMs));
        this.retry.unref();
      })
      .finally(() => {
        this.renewing = undefined;
      });
  }

  private stopTimers(): void {
    clearInterval(this.timer);
    clearTimeout(this.retry);
  }
}

/** remaining: the lease has ttlMs from the database's now(), which is no earlier than `startedAt` here. */
function remaining(ttlMs: number, startedAt: number): number {
  return ttlMs - (performance.now() - startedAt);
}
