/**
 * formatSize writes a byte count back in the units manifests use (`2Gi`, `100GB`, `512Mi`), the
 * inverse of src/manifest/units.ts parseSize. `slackBytes` is how far the value may be from the
 * written size: backends that keep sizes in coarser units lose precision (IM keeps memory in
 * megabytes of 10^6 bytes, so `2Gi` comes back as 2147 MB), and the plan must still read `2Gi`.
 */

const UNITS: ReadonlyArray<readonly [string, number]> = [
  ['Ti', 1024 ** 4],
  ['TB', 1000 ** 4],
  ['Gi', 1024 ** 3],
  ['GB', 1000 ** 3],
  ['Mi', 1024 ** 2],
  ['MB', 1000 ** 2],
  ['Ki', 1024],
  ['KB', 1000],
];

/**
 * formatSize picks the largest unit in which the size is a whole number (`1536Mi`, not `1.5Gi`),
 * else the largest in which it has at most two decimals.
 */
export function formatSize(bytes: number, slackBytes = 0): string {
  const fits = (value: number, decimals: number, scale: number): number | undefined => {
    const rounded = Math.round(value * 10 ** decimals) / 10 ** decimals;
    return rounded >= 1 && Math.abs(value - rounded) * scale <= slackBytes ? rounded : undefined;
  };
  for (const decimals of [0, 2]) {
    for (const [unit, scale] of UNITS) {
      const rounded = fits(bytes / scale, decimals, scale);
      if (rounded !== undefined) return `${rounded}${unit}`;
    }
  }
  return `${bytes}B`;
}

/** MEGABYTE_SLACK: a size kept in whole megabytes (10^6 bytes) is up to one megabyte short. */
export const MEGABYTE_SLACK = 1_000_000;

/** formatRate writes a rate in kbit/s (topdl capacity) as manifests do: `1Gbps`, `100Mbps`, `56kbps`. */
export function formatRate(kbps: number): string {
  if (kbps >= 1_000_000 && kbps % 1_000_000 === 0) return `${kbps / 1_000_000}Gbps`;
  if (kbps >= 1000 && kbps % 1000 === 0) return `${kbps / 1000}Mbps`;
  return `${kbps}kbps`;
}
