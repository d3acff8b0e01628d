/** The byte cursor's cache of short texts (byte-cursor.ts). */
/** Texts up to CACHED_LENGTH bytes go through the cache of CACHE_SLOTS entries (see cachedText). */
export const CACHED_LENGTH = 40;
const CACHE_SLOTS = 4096;
/**
 * CACHE is shared by all cursors (strings are immutable; one reply's texts serve the next reply's
 * alike, and a cache per reply would cost more than it saves on small replies): at most
 * CACHE_SLOTS texts of up to CACHED_LENGTH characters, about 300 kB.
 */
const CACHE: Array<string | undefined> = new Array<string | undefined>(CACHE_SLOTS);

/**
 * cachedText returns the ASCII text of bytes [from, to) (whose hash readText computed while
 * scanning: h = h * 31 + byte) from a small cache of texts met before:
 * member names and values such as `OpaqueRef:NULL` repeat in every record of a list, so one
 * string serves them all (less to allocate, and less held by the decoded value).
 */
export function cachedText(buf: Buffer, from: number, to: number, hash: number): string {
  const length = to - from;
  const slot = (hash ^ (hash >>> 13) ^ length) & (CACHE_SLOTS - 1);
  const known = CACHE[slot];
  if (known !== undefined && known.length === length) {
    let i = 0;
    while (i < length && known.charCodeAt(i) === buf[from + i]) i += 1;
    if (i === length) return known;
  }
  const text = buf.toString('latin1', from, to);
  CACHE[slot] = text;
  return text;
}
