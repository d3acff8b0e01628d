/**
 * OverlapLog lists every mutating call that arrived while a create, AddResource or
 * RemoveResource of the same infrastructure was still running (changes.ts), so a test can assert
 * that a client serialises its changes per infrastructure, as the real IM requires. It is kept
 * in memory only, like the call log, and served as `converge.sim.im.overlaps`.
 */
import type { ChangeMethod, InfraRecord } from './types.js';
import { runningChange } from './changes.js';

/** Overlap is one such call. Instants are virtual epoch milliseconds. */
export interface Overlap {
  seq: number;
  at: number;
  method: string;
  infId: string;
  /** running: the change it collided with (the earliest-started one still running). */
  running: ChangeMethod;
  runningSince: number;
  runningUntil: number;
}

/** MUTATING_METHODS: the IM calls that change an infrastructure (the first parameter names it). */
export const MUTATING_METHODS: ReadonlySet<string> = new Set([
  'AddResource',
  'RemoveResource',
  'Reconfigure',
  'AlterVM',
  'StartVM',
  'StopVM',
  'RebootVM',
  'StartInfrastructure',
  'StopInfrastructure',
  'DestroyInfrastructure',
  'ChangeInfrastructureAuth',
]);

export class OverlapLog {
  #entries: Overlap[] = [];
  #seq = 0;

  /** note records `method` on `inf` if a change of it is running at `now`. */
  note(method: string, inf: InfraRecord, now: number): void {
    const running = runningChange(inf, now);
    if (!running) return;
    this.#seq += 1;
    this.#entries.push({ seq: this.#seq, at: now, method, infId: inf.id, running: running.method, runningSince: running.startedAt, runningUntil: running.doneAt });
  }

  list(): Overlap[] {
    return this.#entries.map((e) => ({ ...e }));
  }

  clear(): void {
    this.#entries = [];
  }
}
