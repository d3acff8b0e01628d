/**
 * Size and duration strings as users write them in manifests. Units are always explicit: a bare
 * number is rejected, because `memory: 512` is ambiguous between RADL's megabytes, XenAPI's bytes
 * and everyone's guess. Written by hand (no well-kept library parses both binary and decimal
 * suffixes exactly, with whole-byte checks) and kept small.
 */

import { memoizeUnits } from './unit-memo.js';

/** UnitResult is the outcome of parsing a size or a duration; `message` never repeats secrets. */
export type UnitResult = { ok: true; value: number } | { ok: false; message: string };

const SIZE_MULTIPLIERS: Record<string, bigint> = {
  B: 1n,
  K: 1000n,
  M: 1000n ** 2n,
  G: 1000n ** 3n,
  T: 1000n ** 4n,
  Ki: 1024n,
  Mi: 1024n ** 2n,
  Gi: 1024n ** 3n,
  Ti: 1024n ** 4n,
};

const DURATION_MULTIPLIERS: Record<string, bigint> = {
  ms: 1n,
  s: 1000n,
  m: 60_000n,
  h: 3_600_000n,
  d: 86_400_000n,
};

/** SIZE_PATTERN is the shape parseSize accepts; the JSON Schemas carry the same pattern. */
export const SIZE_PATTERN = '^[0-9]+(\\.[0-9]+)?(([kKmMgGtT]|[KMGT]i)B?|B)$';
/** DURATION_PATTERN is the shape parseDuration accepts; the JSON Schemas carry the same pattern. */
export const DURATION_PATTERN = '^([0-9]+(\\.[0-9]+)?(ms|s|m|h|d))+$';

const DURATION_REGEXP = new RegExp(DURATION_PATTERN);

const SIZE_HINT = 'use a number with a unit: K, M, G, T (powers of 1000) or Ki, Mi, Gi, Ti (powers of 1024), e.g. 512Mi or 20GB';
const DURATION_HINT = 'use numbers with units ms, s, m, h or d, e.g. 90s, 5m or 1h30m';

/**
 * parseSize turns `512Mi`, `2Gi`, `20GB`, `1.5G`, `10K`, `512B` into bytes. Decimal units
 * (K/M/G/T, also lower-case k/m/g/t) are powers of 1000, binary ones (Ki/Mi/Gi/Ti) powers of 1024;
 * a trailing `B` is optional. Fractions must come out as a whole number of bytes.
 */
export const parseSize: (input: string | number) => UnitResult = memoizeUnits(parseSizeOnce);

function parseSizeOnce(input: string | number): UnitResult {
  if (typeof input === 'number') return { ok: false, message: `size ${input} has no unit; ${SIZE_HINT}` };
  const match = /^([0-9]+)(?:\.([0-9]+))?(?:([kKmMgGtT])(i?)B?|B)$/.exec(input);
  if (!match) return { ok: false, message: `invalid size ${JSON.stringify(input)}; ${SIZE_HINT}` };
  const [, whole = '', fraction = '', letter, binary] = match;
  if (binary && letter !== letter?.toUpperCase()) {
    return { ok: false, message: `invalid size ${JSON.stringify(input)}; binary units are written Ki, Mi, Gi, Ti` };
  }
  const unit = letter === undefined ? 'B' : letter.toUpperCase() + (binary ?? '');
  const bytes = scaleExactly(whole, fraction, SIZE_MULTIPLIERS[unit] ?? 1n);
  if (bytes === undefined) return { ok: false, message: `size ${JSON.stringify(input)} is not a whole number of bytes` };
  return checkSafe(bytes, input);
}

/**
 * parseDuration turns `500ms`, `90s`, `5m`, `2h`, `7d` and combinations such as `1h30m` into
 * milliseconds. Fractions (`1.5h`) must come out as a whole number of milliseconds.
 */
export const parseDuration: (input: string | number) => UnitResult = memoizeUnits(parseDurationOnce);

function parseDurationOnce(input: string | number): UnitResult {
  if (typeof input === 'number') return { ok: false, message: `duration ${input} has no unit; ${DURATION_HINT}` };
  if (!DURATION_REGEXP.test(input)) {
    return { ok: false, message: `invalid duration ${JSON.stringify(input)}; ${DURATION_HINT}` };
  }
  let total = 0n;
  for (const part of input.matchAll(/([0-9]+)(?:\.([0-9]+))?(ms|s|m|h|d)/g)) {
    const [, whole = '', fraction = '', unit = 'ms'] = part;
    const ms = scaleExactly(whole, fraction, DURATION_MULTIPLIERS[unit] ?? 1n);
    if (ms === undefined) {
      return { ok: false, message: `duration ${JSON.stringify(input)} is not a whole number of milliseconds` };
    }
    total += ms;
  }
  return checkSafe(total, input);
}

/** scaleExactly multiplies `whole.fraction` by `multiplier` in integers; undefined if not whole. */
function scaleExactly(whole: string, fraction: string, multiplier: bigint): bigint | undefined {
  const scaled = BigInt(whole + fraction) * multiplier;
  const divisor = 10n ** BigInt(fraction.length);
  return scaled % divisor === 0n ? scaled / divisor : undefined;
}

function checkSafe(value: bigint, input: string): UnitResult {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) return { ok: false, message: `${JSON.stringify(input)} is too large` };
  return { ok: true, value: Number(value) };
}

/** RATE_PATTERN is the shape parseRate accepts; the JSON Schemas carry the same pattern. */
export const RATE_PATTERN = '^[0-9]+(\\.[0-9]+)?[kMG]?bps$';

const RATE_MULTIPLIERS: Record<string, bigint> = { '': 1n, k: 1000n, M: 1000n ** 2n, G: 1000n ** 3n };
const RATE_HINT = 'use a number with bps, kbps, Mbps or Gbps (powers of 1000), e.g. 100Mbps';

/**
 * parseRate turns a link rate (`512bps`, `10kbps`, `100Mbps`, `1.5Gbps`) into bits per second;
 * units are decimal, as for network links. The result must be a whole number of bits per second.
 */
export const parseRate: (input: string | number) => UnitResult = memoizeUnits(parseRateOnce);

function parseRateOnce(input: string | number): UnitResult {
  if (typeof input === 'number') return { ok: false, message: `rate ${input} has no unit; ${RATE_HINT}` };
  const match = /^([0-9]+)(?:\.([0-9]+))?([kMG]?)bps$/.exec(input);
  if (!match) return { ok: false, message: `invalid rate ${JSON.stringify(input)}; ${RATE_HINT}` };
  const [, whole = '', fraction = '', prefix = ''] = match;
  const bits = scaleExactly(whole, fraction, RATE_MULTIPLIERS[prefix] ?? 1n);
  if (bits === undefined) return { ok: false, message: `rate ${JSON.stringify(input)} is not a whole number of bits per second` };
  return checkSafe(bits, input);
}
