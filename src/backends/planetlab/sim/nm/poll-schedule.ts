/**
 * When a node's Node Manager polls PLC (planetlab.md §A8, §B6): every `intervalMs` plus a random
 * `0..jitterMs` (real NMs: 600 s + up to 300 s). Polls are evaluated lazily against the virtual
 * clock: before anything reads or changes PLC or the node, every poll that fell due is settled.
 * Between two PLC changes PLC's state only moves by expiry, which only removes slices, so of
 * several polls due at once only the last one changes the outcome, and only it is run.
 */
export interface PollState {
  /** lastPollAt / nextPollAt are virtual epoch milliseconds. */
  lastPollAt: number | null;
  nextPollAt: number;
}

/** MAX_STEPS bounds a catch-up over a huge clock jump; past it the last poll is taken now. */
const MAX_STEPS = 100_000;

/** PollSchedule decides when a node polls; it edits the persisted PollState in place. */
export class PollSchedule {
  readonly #state: PollState;
  readonly #intervalMs: number;
  readonly #jitterMs: number;
  readonly #random: () => number;

  constructor(state: PollState, intervalMs: number, jitterMs: number, random: () => number) {
    this.#state = state;
    this.#intervalMs = Math.max(0, intervalMs);
    this.#jitterMs = Math.max(0, jitterMs);
    this.#random = random;
  }

  /** after gives the poll following one at `atMs` (at least 1 ms later). */
  after(atMs: number): number {
    return atMs + Math.max(1, this.#intervalMs + Math.floor(this.#random() * this.#jitterMs));
  }

  /** takeDue returns the time of the last poll due at or before `nowMs` and schedules the next one. */
  takeDue(nowMs: number): number | undefined {
    if (this.#state.nextPollAt > nowMs) return undefined;
    let due = this.#state.nextPollAt;
    let following = this.after(due);
    for (let steps = 0; following <= nowMs; steps++) {
      if (steps >= MAX_STEPS) {
        due = nowMs;
        following = this.after(nowMs);
        break;
      }
      due = following;
      following = this.after(due);
    }
    this.#state.lastPollAt = due;
    this.#state.nextPollAt = following;
    return due;
  }

  /** forceNow makes a poll happen at `nowMs` and schedules the next one from it. */
  forceNow(nowMs: number): void {
    this.#state.lastPollAt = nowMs;
    this.#state.nextPollAt = this.after(nowMs);
  }
}
