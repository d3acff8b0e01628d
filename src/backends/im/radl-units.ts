/**
 * RADL size units (apis/im.md §b): K=10^3, Ki=2^10, M=10^6, Mi=2^20, G, Gi, T, Ti; case is
 * ignored and a trailing B dropped, so `512m` is 512,000,000 bytes and `20GB` is 20·10^9.
 */
const FACTORS: Record<string, number> = { '': 1, k: 1e3, ki: 2 ** 10, m: 1e6, mi: 2 ** 20, g: 1e9, gi: 2 ** 30, t: 1e12, ti: 2 ** 40 };

export function parseRadlSize(value: number, unit: string): number {
  const normalised = unit.toLowerCase().replace(/b$/, '');
  return Math.round(value * (FACTORS[normalised] ?? 1));
}
