/**
 * memoizeUnits remembers the results of a unit parser (units.ts) by input string. Manifests repeat
 * a few sizes and durations thousands of times (`512Mi`, `90s`), and every one is parsed twice: by
 * checkUnits and again by conversion. The parsers are pure functions of their input, so a
 * remembered result is the result; results are frozen so that no caller can change one another
 * caller gets. Numbers (always a "no unit" error) are not remembered.
 */
import { detached } from './detached.js';
import type { UnitResult } from './units.js';

/** MEMO_LIMIT bounds the memory a manifest set of many distinct values can hold (cleared when full). */
const MEMO_LIMIT = 4096;

export function memoizeUnits(parse: (input: string | number) => UnitResult): (input: string | number) => UnitResult {
  const memo = new Map<string, UnitResult>();
  return (input) => {
    if (typeof input !== 'string') return parse(input);
    let result = memo.get(input);
    if (result === undefined) {
      if (memo.size >= MEMO_LIMIT) memo.clear();
      result = Object.freeze(parse(input));
      memo.set(detached(input), result);
    }
    return result;
  };
}
