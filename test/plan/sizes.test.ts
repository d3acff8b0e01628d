/** formatSize writes sizes back in manifest units; a table whose rows say why. */
import { describe, expect, it } from 'vitest';
import { formatMegabytes, formatRate, formatSize } from '../../src/plan/present/sizes.js';
import { parseSize } from '../../src/manifest/units.js';

const bytes = (text: string): number => {
  const parsed = parseSize(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
};

describe('formatSize', () => {
  it.each([
    { reason: 'a binary size reads as written', bytes: bytes('2Gi'), want: '2Gi' },
    { reason: 'a decimal size reads as written', bytes: bytes('100GB'), want: '100GB' },
    { reason: 'a whole number in a smaller unit beats a fraction in a larger one', bytes: bytes('1536Mi'), want: '1536Mi' },
    { reason: 'without slack, a count of megabytes reads as megabytes', bytes: 2147 * 1_000_000, slack: 0, want: '2147MB' },
    { reason: 'with half a megabyte of slack around its middle, 2147 MB reads 2Gi', bytes: 2147.5 * 1_000_000, slack: 500_000, want: '2Gi' },
    { reason: 'an odd byte count stays in bytes', bytes: 1023, want: '1023B' },
  ] as Array<{ reason: string; bytes: number; slack?: number; want: string }>)('$reason', ({ bytes: n, slack, want }) => {
    expect(formatSize(n, slack)).toBe(want);
  });

  it.each([
    { reason: 'IM keeps 2Gi as 2147 MB (rounded down): it reads 2Gi again', mb: 2147, want: '2Gi' },
    { reason: 'IM keeps 8Gi as 8589 MB', mb: 8589, want: '8Gi' },
    { reason: 'IM keeps 512M as 512 MB: at one scale the decimal reading, exact, wins over 489Mi', mb: 512, want: '512MB' },
    { reason: 'IM keeps 1536Mi as 1610 MB: in the unit the manifest uses now, it reads 1536Mi', mb: 1610, unit: 'Mi', want: '1536Mi' },
    { reason: 'the old size in the new size\'s unit: 8589 MB in Gi', mb: 8589, unit: 'Gi', want: '8Gi' },
    { reason: 'the old size in the new size\'s unit only when whole there: 1073 MB with Mi reads 1024Mi', mb: 1073, unit: 'Mi', want: '1024Mi' },
    { reason: 'not whole in that unit: read on its own (1610 MB with Gi)', mb: 1610, unit: 'Gi', want: '1610MB' },
  ])('formatMegabytes: $reason', ({ mb, unit, want }) => {
    expect(formatMegabytes(mb, unit)).toBe(want);
  });

  it('writes topdl rates (kbit/s) as manifests do', () => {
    expect([formatRate(1_000_000), formatRate(100_000), formatRate(56)]).toEqual(['1Gbps', '100Mbps', '56kbps']);
  });
});
