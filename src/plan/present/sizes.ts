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

/**
 * formatMegabytes writes a size kept in whole megabytes of 10^6 bytes, rounded down (IM memory:
 * `2Gi` is kept as 2147): the size written lies within that megabyte, so it is matched around the
 * megabyte's middle, half a megabyte either way. `unit`, when known (the unit the manifest uses
 * now), is preferred when the size is a whole number in it: `8589` in `Gi` reads `8Gi`. Otherwise
 * a larger unit wins; at the same scale the decimal reading, exact at the megabyte, wins (512 MB
 * reads `512MB`, not `489Mi`).
 */
export function formatMegabytes(megabytes: number, unit?: string): string {
  const middle = megabytes * 1_000_000 + 500_000;
  const inUnit = unit === undefined ? undefined : wholeIn(megabytes, unit);
  if (inUnit !== undefined) return inUnit;
  const near = formatSize(middle, 500_000);
  const exact = formatSize(megabytes * 1_000_000);
  return scaleOf(near) > scaleOf(exact) ? near : exact;
}

/** unitOf is the unit a formatted size uses (`Gi` of `2Gi`). */
export function unitOf(size: string): string {
  return /[A-Za-z]+$/.exec(size)?.[0] ?? 'B';
}

/** wholeIn writes the megabytes as a whole number of `unit` that IM would keep as those megabytes, if there is one. */
function wholeIn(megabytes: number, unit: string): string | undefined {
  const scale = UNITS.find(([u]) => u === unit)?.[1];
  if (scale === undefined) return undefined;
  const k = Math.round((megabytes * 1_000_000 + 500_000) / scale);
  return k >= 1 && Math.floor((k * scale) / 1_000_000) === megabytes ? `${k}${unit}` : undefined;
}

/** scaleOf ranks a formatted size's unit by magnitude: T > G > M > K > B, binary and decimal alike. */
function scaleOf(size: string): number {
  return 'BKMGT'.indexOf(unitOf(size)[0] ?? 'B');
}

/** formatRate writes a rate in kbit/s (topdl capacity) as manifests do: `1Gbps`, `100Mbps`, `56kbps`. */
export function formatRate(kbps: number): string {
  if (kbps >= 1_000_000 && kbps % 1_000_000 === 0) return `${kbps / 1_000_000}Gbps`;
  if (kbps >= 1000 && kbps % 1000 === 0) return `${kbps / 1000}Mbps`;
  return `${kbps}kbps`;
}
