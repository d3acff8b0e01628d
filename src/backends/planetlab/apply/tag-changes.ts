/**
 * tagChanges plans the slice-tag calls that make the slice-wide tags of the managed names equal
 * to the wanted values (planetlab.md §A5): a name may carry several values (vsys), a value the
 * slice already has is kept, an unwanted one is rewritten in place (UpdateSliceTag) while values
 * are missing, else deleted; what is still missing is added. Pure.
 */
import type { SliceTagRecord } from '../plc/plc-records.js';

export type TagOp =
  | { op: 'add'; name: string; value: string }
  | { op: 'update'; id: number; name: string; value: string }
  | { op: 'delete'; id: number; name: string; value: string };

export function tagChanges(wanted: Readonly<Record<string, readonly string[]>>, current: readonly SliceTagRecord[], names: readonly string[]): TagOp[] {
  return [...new Set(names)].sort().flatMap((name) => changesFor(name, wanted[name] ?? [], current.filter((t) => t.tagname === name)));
}

function changesFor(name: string, want: readonly string[], have: readonly SliceTagRecord[]): TagOp[] {
  const missing = [...new Set(want)];
  const surplus: SliceTagRecord[] = [];
  for (const tag of have) {
    const i = missing.indexOf(tag.value);
    if (i >= 0) missing.splice(i, 1);
    else surplus.push(tag);
  }
  const ops: TagOp[] = [];
  for (const tag of surplus) {
    const value = missing.shift();
    ops.push(value === undefined ? { op: 'delete', id: tag.sliceTagId, name, value: tag.value } : { op: 'update', id: tag.sliceTagId, name, value });
  }
  for (const value of missing) ops.push({ op: 'add', name, value });
  return ops;
}
