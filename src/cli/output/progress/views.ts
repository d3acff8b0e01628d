/**
 * How a run's events reach a person (issue 12, point 4):
 * - `live` (a terminal): the plan summary first, then one line per finished action, and a live
 *   block at the bottom — one line per object in flight with its latest step (percentages
 *   included, redrawn in place) and an overall count. Nothing interleaves.
 * - `plain` (not a terminal: CI logs, pipes): lines that are never redrawn, each naming its
 *   object: start, result, failures, warnings. Steps and task percentages are left out (from 20
 *   VMs they made hundreds of interleaved lines); the live view shows them, and `--json` carries
 *   every event.
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
      if (event.type === 'action-progress' || event.type === 'retry') return;
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
  const block = new LiveBlock(stream);
  const inFlight = new Map<string, InFlight>();
  const counts = { planned: 0, done: 0, failed: 0 };
  const started = Date.now();
  let pass = 1;
  let waiting = '';
  let active = false; // the block appears once a run has planned (plan and status never show it)
  let lastDraw = 0;
  let pending: NodeJS.Timeout | undefined;
  const draw = (): void => {
    pending = undefined;
    if (!active) return;
    const now = Date.now();
    lastDraw = now;
    const lines = [...inFlight].map(([key, f]) => `  ${c.cyan('⋯')} ${f.action} ${key}${f.step ? c.dim(`  ${f.step}`) : ''} ${c.dim(`${Math.floor((now - f.since) / 1000)}s`)}`);
    if (waiting && inFlight.size === 0) lines.push(c.dim(`  ${waiting}`));
    const failed = counts.failed > 0 ? c.red(`, ${counts.failed} failed`) : '';
    lines.push(c.bold(`[${counts.done}/${counts.planned} done${failed}, ${inFlight.size} in flight] pass ${pass} · ${((now - started) / 1000).toFixed(0)}s`));
    block.update(lines.map(redact));
  };
  // Redraws are coalesced to at most one per REDRAW_MS: 20 VMs send hundreds of step events.
  const schedule = (): void => {
    if (pending) return;
    pending = setTimeout(draw, Math.max(0, REDRAW_MS - (Date.now() - lastDraw)));
    pending.unref();
  };
  const print = (text: string): void => {
    block.print(redact(text));
    schedule();
  };
  const timer = setInterval(draw, 1000);
  timer.unref();
  return {
    emit(event) {
      switch (event.type) {
        case 'pass':
          pass = event.pass;
          break;
        case 'planned': {
          active = true;
          const s = event.summary;
          counts.planned += s.create + s.update + s.replace + s.delete + s.forget;
          const text = planLine(event, c);
          if (text) print(text);
          break;
        }
        case 'action-start':
          inFlight.set(event.key, { action: event.action, step: '', since: Date.now() });
          waiting = '';
          break;
        case 'action-progress': {
          const f = inFlight.get(event.key);
          if (f) f.step = event.message;
          break;
        }
        case 'action-done':
          inFlight.delete(event.key);
          counts.done += 1;
          print(eventLine(event, c)!);
          break;
        case 'action-failed':
          inFlight.delete(event.key);
          if (!event.willRetry) counts.failed += 1;
          else counts.planned -= 1; // it is planned again next pass
          print(failedLine(event, c));
          break;
        case 'waiting':
          waiting = `waiting for ${event.objects.length} object(s) to become ready (${[...new Set(event.objects.map((o) => o.phase))].join(', ')}); ${Math.ceil(event.remainingMs / 1000)}s left`;
          break;
        case 'observed':
        case 'retry':
          break; // the report sums calls and retries
        default: {
          const text = eventLine(event, c);
          if (text) print(text);
        }
      }
      schedule();
    },
    print,
    clear: () => block.done(),
    close() {
      clearInterval(timer);
      clearTimeout(pending);
      block.done();
    },
  };
}
