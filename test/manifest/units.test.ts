/** parseSize and parseDuration: the tables are the spec of the unit syntax (DESIGN §2). */
import { describe, expect, it } from 'vitest';
import { parseDuration, parseSize } from '../../src/manifest/index.js';
import { DURATION_PATTERN, SIZE_PATTERN } from '../../src/manifest/units.js';

const GiB = 1024 ** 3;

const validSizes: Array<{ input: string; bytes: number; reason: string }> = [
  { input: '512Mi', bytes: 512 * 1024 ** 2, reason: 'Mi is a power of 1024' },
  { input: '2Gi', bytes: 2 * GiB, reason: 'Gi is a power of 1024' },
  { input: '1Ti', bytes: 1024 ** 4, reason: 'Ti is a power of 1024' },
  { input: '10Ki', bytes: 10240, reason: 'Ki is a power of 1024' },
  { input: '20GB', bytes: 20e9, reason: 'GB is decimal, B is optional' },
  { input: '20G', bytes: 20e9, reason: 'G is decimal' },
  { input: '1.5G', bytes: 1.5e9, reason: 'fractions are fine when they give whole bytes' },
  { input: '100M', bytes: 100e6, reason: 'M is decimal (RADL 512m means 512,000,000)' },
  { input: '512m', bytes: 512e6, reason: 'lower-case decimal letters are accepted' },
  { input: '10K', bytes: 10_000, reason: 'K is decimal' },
  { input: '10k', bytes: 10_000, reason: 'k is decimal' },
  { input: '3t', bytes: 3e12, reason: 't is decimal' },
  { input: '512MiB', bytes: 512 * 1024 ** 2, reason: 'a trailing B after a binary unit is allowed' },
  { input: '4096B', bytes: 4096, reason: 'B alone means bytes, which is still an explicit unit' },
  { input: '0.5Ki', bytes: 512, reason: 'a binary fraction that lands on a whole byte' },
  { input: '1.1G', bytes: 1_100_000_000, reason: 'decimal fractions are exact (no floating-point error)' },
  { input: '0Mi', bytes: 0, reason: 'zero is a size' },
];

const invalidSizes: Array<{ input: string | number; message: RegExp; reason: string }> = [
  { input: '512', message: /invalid size/, reason: 'a bare number has no unit' },
  { input: 512, message: /has no unit/, reason: 'a YAML number has no unit either' },
  { input: '512XB', message: /invalid size/, reason: 'XB is not a unit' },
  { input: 'lots', message: /invalid size/, reason: 'words are not sizes' },
  { input: '1.3Ki', message: /whole number of bytes/, reason: '1.3 × 1024 is 1331.2 bytes' },
  { input: '0.1B', message: /whole number of bytes/, reason: 'no fractional bytes' },
  { input: '512ki', message: /binary units are written/, reason: 'binary units are upper-case (Ki, not ki)' },
  { input: '-1Gi', message: /invalid size/, reason: 'sizes are not negative' },
  { input: '1e3M', message: /invalid size/, reason: 'no exponent notation' },
  { input: '512 Mi', message: /invalid size/, reason: 'no space between number and unit' },
  { input: '', message: /invalid size/, reason: 'empty is not a size' },
  { input: '.5G', message: /invalid size/, reason: 'a fraction needs its leading digit' },
  { input: '99999999Ti', message: /too large/, reason: 'beyond exact JavaScript integers' },
];

const validDurations: Array<{ input: string; ms: number; reason: string }> = [
  { input: '500ms', ms: 500, reason: 'milliseconds' },
  { input: '90s', ms: 90_000, reason: 'seconds' },
  { input: '5m', ms: 300_000, reason: 'm is minutes (ms is milliseconds)' },
  { input: '2h', ms: 7_200_000, reason: 'hours' },
  { input: '7d', ms: 604_800_000, reason: 'days' },
  { input: '1h30m', ms: 5_400_000, reason: 'units combine' },
  { input: '1m30s500ms', ms: 90_500, reason: 'units combine down to milliseconds' },
  { input: '1.5h', ms: 5_400_000, reason: 'fractions that give whole milliseconds' },
  { input: '0s', ms: 0, reason: 'zero is a duration' },
];

const invalidDurations: Array<{ input: string | number; message: RegExp; reason: string }> = [
  { input: '90', message: /invalid duration/, reason: 'a bare number has no unit' },
  { input: 90, message: /has no unit/, reason: 'a YAML number has no unit either' },
  { input: '10 minutes', message: /invalid duration/, reason: 'words are not units' },
  { input: '1y', message: /invalid duration/, reason: 'years are not a unit (their length varies)' },
  { input: '1.0005s', message: /whole number of milliseconds/, reason: 'no sub-millisecond durations' },
  { input: '-5m', message: /invalid duration/, reason: 'durations are not negative' },
  { input: '1H', message: /invalid duration/, reason: 'units are lower-case' },
  { input: '', message: /invalid duration/, reason: 'empty is not a duration' },
];

describe('parseSize', () => {
  it.each(validSizes)('$input is $bytes bytes: $reason', ({ input, bytes }) => {
    expect(parseSize(input)).toEqual({ ok: true, value: bytes });
  });
  it.each(invalidSizes)('rejects $input: $reason', ({ input, message }) => {
    const result = parseSize(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });
});

describe('parseDuration', () => {
  it.each(validDurations)('$input is $ms ms: $reason', ({ input, ms }) => {
    expect(parseDuration(input)).toEqual({ ok: true, value: ms });
  });
  it.each(invalidDurations)('rejects $input: $reason', ({ input, message }) => {
    const result = parseDuration(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });
});

describe('schema patterns agree with the parsers', () => {
  it('accepts every valid size and duration (editors must not flag what the loader accepts)', () => {
    for (const { input } of validSizes) expect(input).toMatch(new RegExp(SIZE_PATTERN));
    for (const { input } of validDurations) expect(input).toMatch(new RegExp(DURATION_PATTERN));
  });
});
