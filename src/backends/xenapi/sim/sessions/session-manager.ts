/**
 * Sessions (xenapi.md §1 "Session"), kept as `session` rows (no events, not persisted):
 * - login checks the configured users (`SESSION_AUTHENTICATION_FAILED [user, message]`), or
 *   answers `HOST_IS_SLAVE [master]` while the simulator plays a pool supporter;
 * - a session idle for more than `idleMs` (24 h of virtual time) is gone: `SESSION_INVALID [ref]`;
 * - sessions are grouped — by originator when one is given, else by user name for non-root
 *   users, else "anonymous" — and each group is capped (500 / 500 / 400): the least recently
 *   active session of a full group is destroyed by the next login.
 * `onInvalidated` wakes blocked event calls so that they can answer SESSION_INVALID.
 */
import type { SimContext } from '../dispatch/context.js';
import { XenApiError } from '../wire/errors.js';

export interface SessionLimits {
  perOriginator: number;
  perUser: number;
  anonymous: number;
  idleMs: number;
}

export const DEFAULT_SESSION_LIMITS: SessionLimits = { perOriginator: 500, perUser: 500, anonymous: 400, idleMs: 24 * 3600 * 1000 };

export class SessionManager {
  readonly #ctx: SimContext;
  readonly #users: ReadonlyMap<string, string>;
  readonly #limits: SessionLimits;
  readonly #groups = new Map<string, string>();
  readonly #onInvalidated: () => void;

  constructor(ctx: SimContext, users: Array<{ username: string; password: string }>, limits: SessionLimits, onInvalidated: () => void) {
    this.#ctx = ctx;
    this.#users = new Map(users.map((u) => [u.username, u.password]));
    this.#limits = limits;
    this.#onInvalidated = onInvalidated;
  }

  login(user: string, password: string, originator: string): string {
    if (this.#ctx.settings.hostIsSlaveOf !== '') throw new XenApiError('HOST_IS_SLAVE', [this.#ctx.settings.hostIsSlaveOf]);
    if (this.#users.get(user) !== password) throw new XenApiError('SESSION_AUTHENTICATION_FAILED', [user, 'Authentication failure']);
    const group = originator !== '' ? `originator:${originator}` : user !== 'root' ? `user:${user}` : 'anonymous';
    this.#enforceCap(group, group === 'anonymous' ? this.#limits.anonymous : group.startsWith('user:') ? this.#limits.perUser : this.#limits.perOriginator);
    const now = this.#ctx.now();
    const ref = this.#ctx.store.create('session', {
      this_host: this.#ctx.hostRef(),
      last_active: now,
      validation_time: now,
      is_local_superuser: user === 'root',
      auth_user_name: user,
      originator,
    });
    this.#groups.set(ref, group);
    return ref;
  }

  /** requireValid throws SESSION_INVALID for an unknown or idle session, else marks it active. */
  requireValid(ref: string): void {
    if (!this.isValid(ref)) throw new XenApiError('SESSION_INVALID', [ref]);
    this.#ctx.store.update('session', ref, { last_active: this.#ctx.now() });
  }

  isValid(ref: string): boolean {
    const row = this.#ctx.store.get('session', ref);
    if (!row) return false;
    if (this.#ctx.now() - Number(row.last_active) <= this.#limits.idleMs) return true;
    this.#drop(ref);
    return false;
  }

  logout(ref: string): void {
    if (this.#ctx.store.get('session', ref)) this.#drop(ref);
  }

  /** expireAll destroys every session (tests of re-login). */
  expireAll(): void {
    for (const ref of this.#ctx.store.refs('session')) this.#drop(ref);
  }

  /** sweep drops the sessions that have been idle too long. */
  sweep(): void {
    for (const ref of this.#ctx.store.refs('session')) this.isValid(ref);
  }

  #enforceCap(group: string, cap: number): void {
    const members = [...this.#groups].filter(([, g]) => g === group).map(([ref]) => ref);
    const byAge = members.sort((a, b) => this.#lastActive(a) - this.#lastActive(b));
    while (byAge.length >= cap) this.#drop(byAge.shift() ?? '');
  }

  #lastActive(ref: string): number {
    return Number(this.#ctx.store.get('session', ref)?.last_active ?? 0);
  }

  #drop(ref: string): void {
    this.#groups.delete(ref);
    if (this.#ctx.store.get('session', ref)) this.#ctx.store.destroy('session', ref);
    this.#onInvalidated();
  }
}
