/** formatSize writes sizes back in manifest units; a table whose rows say why. */
import { describe, expect, it } from 'vitest';
import { formatRate, formatSize, MEGABYTE_SLACK } from '../../src/plan/present/sizes.js';
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
    { reason: 'IM 1.5Gi (1610 MB) reads in whole mebibytes', bytes: 1610 * 1_000_000, slack: MEGABYTE_SLACK, want: '1536Mi' },
    { reason: 'IM memory kept in megabytes (2Gi → 2147 MB) still reads 2Gi with a megabyte of slack', bytes: 2147 * 1_000_000, slack: MEGABYTE_SLACK, want: '2Gi' },
    { reason: 'without the slack, the same megabytes read as megabytes', bytes: 2147 * 1_000_000, want: '2147MB' },
    { reason: 'an odd byte count stays in bytes', bytes: 1023, want: '1023B' },
  ])('$reason', ({ bytes: n, slack, want }) => {
    expect(formatSize(n, slack)).toBe(want);
  });

  it('writes topdl rates (kbit/s) as manifests do', () => {
    expect([formatRate(1_000_000), formatRate(100_000), formatRate(56)]).toEqual(['1Gbps', '100Mbps', '56kbps']);
  });
});
