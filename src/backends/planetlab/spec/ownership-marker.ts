/**
 * The ownership marker (DESIGN §4) of a converge slice. PLC's tag types are fixed by its admins
 * and a tag type without roles is admin-only (planetlab.md §A5): a PI or user cannot create a
 * `converge` tag type, and no existing free-form one is writable. The description is writable by
 * every slice writer and travels with the slice, so the marker is its last line:
 *
 *   Latency measurements
 *
 *   [converge owner=<owner> key=<object key>]
 *
 * Owner and key are URI-encoded so neither can break the line. A slice whose description has no
 * marker, or another owner's, is never adopted, changed or deleted.
 */

export interface SliceMarker {
  owner: string;
  key: string;
}

const MARKER = /(?:\n\n)?\[converge owner=([^\s\]]+) key=([^\s\]]+)\]\s*$/;

/** withMarker is the description converge writes: the user's text, then the marker line. */
export function withMarker(description: string | undefined, marker: SliceMarker): string {
  const line = `[converge owner=${encodeURIComponent(marker.owner)} key=${encodeURIComponent(marker.key)}]`;
  return description ? `${description}\n\n${line}` : line;
}

/** readMarker splits a description into the user's text and the marker, when there is one. */
export function readMarker(description: string | null): { marker?: SliceMarker; text: string | null } {
  if (description === null) return { text: null };
  const found = MARKER.exec(description);
  if (!found) return { text: description };
  try {
    const marker = { owner: decodeURIComponent(found[1]!), key: decodeURIComponent(found[2]!) };
    return { marker, text: description.slice(0, found.index) };
  } catch {
    return { text: description };
  }
}
