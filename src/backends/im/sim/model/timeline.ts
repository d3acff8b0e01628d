/** Reading and writing Timelines (see types.ts) against the virtual clock. */
import type { Timeline } from './types.js';

export function valueAt<T>(timeline: Timeline<T>, now: number, fallback: T): T {
  let value = fallback;
  for (const step of timeline) if (step.at <= now) value = step.value;
  return value;
}

/** startTimeline replaces everything with `value` from `at` on, then the given later steps. */
export function startTimeline<T>(at: number, value: T, ...later: Array<{ at: number; value: T }>): Timeline<T> {
  return [{ at, value }, ...later];
}

/** replaceFrom keeps what a timeline said before `at` and replaces the rest by `steps`. */
export function replaceFrom<T>(timeline: Timeline<T>, at: number, steps: Timeline<T>): Timeline<T> {
  return [...timeline.filter((s) => s.at < at), ...steps];
}

/** visibleText concatenates the pieces whose instant has passed. */
export function visibleText(timeline: Timeline<string>, now: number): string {
  return timeline.filter((s) => s.at <= now).map((s) => s.value).join('');
}

/**
 * pyTimestamp renders an instant as Python's str(datetime): `2026-11-23 05:17:49.504902`
 * (UTC here), without the fraction when it is zero.
 */
export function pyTimestamp(ms: number): string {
  const iso = new Date(ms).toISOString();
  const base = `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
  const micros = Math.floor(ms % 1000) * 1000;
  return micros === 0 ? base : `${base}.${String(micros).padStart(6, '0')}`;
}
