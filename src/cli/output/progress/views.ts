/**
 * How a run's events reach a person (issue 12, point 4):
 * - `live` (a terminal): the plan summary first, then one line per finished action, and a live
 *   block at the bottom — one line per object in flight with its latest step (percentages
 *   included, redrawn in place) and an overall count. Nothing interleaves.
 * - `plain` (not a terminal: CI logs, pipes): lines that are never redrawn, each naming its
 *   object, the plan summary first: start, result, failures, warnings. Steps, task percentages,
 *   observe timings and retried calls are left out (from 20 VMs they made hundreds of interleaved
 *   lines); the live view shows steps, the report sums calls and retries, `--json` carries every
 *   event.
 * - `quiet` (`--quiet`): only errors; the caller prints the final summary.
 * Every view writes through `write`, which the Output redacts.
 */
import type { RunEvent } from '../../../engine/events.js';
import { eventLine, failedLine, planLine, type Colors } from './event-line.js';
import { LiveBlock } from './live-block.js';

export type ViewMode = 'live' | 'plain' | 'quiet';

/** ProgressView renders events; `print` writes a permanent line (a result, the report). */
export interface ProgressView {
  emit(event: RunEvent): void;
  print(text: string): void;
  /** clear removes anything transient from the screen until the next event (before stderr writes). */
  clear(): void;
  /** close removes anything transient for good. */
  close(): void;
}

const WAITING_EVERY_MS = 5000;
const REDRAW_MS = 100;

export function plainView(write: (text: string) => void, c: Colors): ProgressView {
  let lastWaiting = 0;
  return {
    emit(event) {
      if (event.type === 'action-progress' || event.type === 'retry' || event.type === 'observed') return;
      if (event.type === 'waiting') {
        if (Date.now() - lastWaiting < WAITING_EVERY_MS) return;
        lastWaiting = Date.now();
      }
      const text = eventLine(event, c);
      if (text) write(text);
    },
    print: write,
    clear: () => undefined,
    close: () => undefined,
  };
}

export function quietView(write: (text: string) => void, c: Colors): ProgressView {
  return {
    emit(event) {
      if (event.type === 'observe-failed') write(eventLine(event, c)!);
      if (event.type === 'action-failed' && !event.willRetry) write(failedLine(event, c));
    },
    print: write,
    clear: () => undefined,
    close: () => undefined,
  };
}

interface InFlight {
  action: string;
  step: string;
  since: number;
}

/** liveView: see the file comment. `redact` is applied to everything drawn. */
export function liveView(stream: NodeJS.WriteStream, c: Colors, redact: (text: string) => string): ProgressView {
  return new LiveView(new LiveBlock(stream), c, redact);
}

class LiveView implements ProgressView {
  readonly #block: LiveBlock;
  readonly #c: Colors;
  readonly #redact: (text: string) => string;
  readonly #inFlight = new Map<string, InFlight>();
  readonly #counts = { planned: 0, done: 0, failed: 0 };
  readonly #started = Date.now();
  readonly #timer: NodeJS.Timeout;
  #pass = 1;
  #waiting = '';
  /** active: the block appears once a run has planned (plan and status never show it). */
  #active = false;
  #lastDraw = 0;
  #pending: NodeJS.Timeout | undefined;

  constructor(block: LiveBlock, c: Colors, redact: (text: string) => string) {
    this.#block = block;
    this.#c = c;
    this.#redact = redact;
    this.#timer = setInterval(() => this.#draw(), 1000);
    this.#timer.unref();
  }

  emit(event: RunEvent): void {
    switch (event.type) {
      case 'pass':
        this.#pass = event.pass;
        break;
      case 'planned':
        this.#planned(event);
        break;
      case 'action-start':
        this.#inFlight.set(event.key, { action: event.action, step: '', since: Date.now() });
        this.#waiting = '';
        break;
      case 'action-progress': {
        const f = this.#inFlight.get(event.key);
        if (f) f.step = event.message;
        break;
      }
      case 'action-done':
        this.#inFlight.delete(event.key);
        this.#counts.done += 1;
        this.print(eventLine(event, this.#c)!);
        break;
      case 'action-failed':
        this.#inFlight.delete(event.key);
        if (event.willRetry) this.#counts.planned -= 1; // it is planned again next pass
        else this.#counts.failed += 1;
        this.print(failedLine(event, this.#c));
        break;
      case 'waiting':
        this.#waiting = `waiting for ${event.objects.length} object(s) to become ready (${[...new Set(event.objects.map((o) => o.phase))].join(', ')}); ${Math.ceil(event.remainingMs / 1000)}s left`;
        break;
      case 'observed':
      case 'retry':
        break; // the report sums calls and retries
      default: {
        const text = eventLine(event, this.#c);
        if (text) this.print(text);
      }
    }
    this.#schedule();
  }

  print(text: string): void {
    this.#block.print(this.#redact(text));
    this.#schedule();
  }

  clear(): void {
    this.#block.done();
  }

  close(): void {
    clearInterval(this.#timer);
    clearTimeout(this.#pending);
    this.#block.done();
  }

  #planned(event: Extract<RunEvent, { type: 'planned' }>): void {
    this.#active = true;
    const s = event.summary;
    this.#counts.planned += s.create + s.update + s.replace + s.delete + s.forget;
    const text = planLine(event, this.#c);
    if (text) this.print(text);
  }

  /** #schedule coalesces redraws to at most one per REDRAW_MS: 20 VMs send hundreds of step events. */
  #schedule(): void {
    if (this.#pending) return;
    this.#pending = setTimeout(() => this.#draw(), Math.max(0, REDRAW_MS - (Date.now() - this.#lastDraw)));
    this.#pending.unref();
  }

  #draw(): void {
    this.#pending = undefined;
    if (!this.#active) return;
    const c = this.#c;
    const now = Date.now();
    this.#lastDraw = now;
    const lines = [...this.#inFlight].map(([key, f]) => `  ${c.cyan('⋯')} ${f.action} ${key}${f.step ? c.dim(`  ${f.step}`) : ''} ${c.dim(`${Math.floor((now - f.since) / 1000)}s`)}`);
    if (this.#waiting && this.#inFlight.size === 0) lines.push(c.dim(`  ${this.#waiting}`));
    const failed = this.#counts.failed > 0 ? c.red(`, ${this.#counts.failed} failed`) : '';
    lines.push(c.bold(`[${this.#counts.done}/${this.#counts.planned} done${failed}, ${this.#inFlight.size} in flight] pass ${this.#pass} · ${((now - this.#started) / 1000).toFixed(0)}s`));
    this.#block.update(lines.map(this.#redact));
  }
}
