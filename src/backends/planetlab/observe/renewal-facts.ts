/**
 * Renewal as desired state (DESIGN §3): a slice with less than `renewBefore` left is due, and the
 * date it is renewed to is decided when it is observed, on the engine's clock (injectable, so
 * tests move it with the simulator's). PLC refuses a non-admin renewal past now + 8 weeks
 * (planetlab.md §A5, §A8); converge clamps `extendTo` below that cap by a minute, so that a clock
 * a few seconds ahead of PLC's cannot turn a renewal into a refusal.
 */
import type { Lease } from '../../driver.js';

export const RENEWAL_CAP_MS = 8 * 7 * 24 * 3600 * 1000;
/** CAP_SAFETY_MS is how far below PLC's cap a clamped renewal lands (clock skew allowance). */
export const CAP_SAFETY_MS = 60_000;

export interface RenewalFacts {
  due: boolean;
  /** renewTo is the new `expires` (epoch seconds) when due. */
  renewTo?: number;
  lease: Lease;
}

export function renewalFacts(expires: number, policy: { enabled: boolean; renewBeforeMs: number; extendToMs: number } | undefined, now: Date, isAdmin: boolean): RenewalFacts {
  const endsAt = expires * 1000;
  const renewBeforeMs = policy?.renewBeforeMs ?? 0;
  const lease: Lease = { endsAt: new Date(endsAt).toISOString(), renewAt: new Date(endsAt - renewBeforeMs).toISOString() };
  if (!policy?.enabled || endsAt - now.getTime() >= renewBeforeMs) return { due: false, lease };
  return { due: true, renewTo: Math.floor(renewalTarget(now, policy.extendToMs, isAdmin) / 1000), lease };
}

/** renewalTarget is now + extendTo, clamped below PLC's 8-week cap unless the account is an admin. */
export function renewalTarget(now: Date, extendToMs: number, isAdmin: boolean): number {
  const wanted = now.getTime() + extendToMs;
  return isAdmin ? wanted : Math.min(wanted, now.getTime() + RENEWAL_CAP_MS - CAP_SAFETY_MS);
}
