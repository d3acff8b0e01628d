/**
 * Building event records from the log (xenapi.md §5): changes since a generation are coalesced
 * per object — an object added and changed since the token is one `add` with its latest
 * snapshot, one added and deleted is nothing — and ordered dels, mods, adds. `snapshot` is the
 * record as get_record returns it; `del` events have none. `class` is lowercased.
 */
import type { XmlRpcValue } from '../../../../xmlrpc/value.js';
import type { SimContext } from '../dispatch/context.js';
import { wireRecord } from '../dispatch/implicit.js';
import { CLASSES } from '../schema/index.js';
import type { EventEntry, EventOp } from '../store/event-log.js';
import { markInt32 } from '../wire/compact-xml.js';
import type { Subscription } from './subscription.js';

export type EventRecord = Record<string, XmlRpcValue>;

export function eventRecord(ctx: SimContext, e: { gen: number; cls: string; ref: string; op: EventOp }, timestamp: string): EventRecord {
  const record: EventRecord = { id: String(e.gen), timestamp, class: e.cls.toLowerCase(), operation: e.op, ref: e.ref };
  if (e.op !== 'del' && ctx.store.get(e.cls, e.ref)) record.snapshot = wireRecord(ctx, e.cls, e.ref);
  return record;
}

/** coalesced turns log entries into one event per object, dels then mods then adds. */
export function coalesced(ctx: SimContext, entries: readonly EventEntry[], sub: Subscription): EventRecord[] {
  const byObject = new Map<string, { first: EventOp; last: EventEntry }>();
  for (const entry of entries) {
    if (!sub.matches(entry.cls, entry.ref)) continue;
    const key = `${entry.cls}\u0000${entry.ref}`;
    const seen = byObject.get(key);
    byObject.set(key, { first: seen?.first ?? entry.op, last: entry });
  }
  const groups: Record<EventOp, EventEntry[]> = { del: [], mod: [], add: [] };
  for (const { first, last } of byObject.values()) {
    if (first === 'add' && last.op === 'del') continue;
    const op: EventOp = last.op === 'del' ? 'del' : first === 'add' ? 'add' : 'mod';
    if (op !== 'del' && !ctx.store.get(last.cls, last.ref)) continue;
    groups[op].push({ ...last, op });
  }
  return [...groups.del, ...groups.mod, ...groups.add].sort(byGroupThenGen).map((e) => eventRecord(ctx, e, '0.0'));
}

const GROUP_ORDER: Record<EventOp, number> = { del: 0, mod: 1, add: 2 };

function byGroupThenGen(a: EventEntry, b: EventEntry): number {
  return GROUP_ORDER[a.op] - GROUP_ORDER[b.op] || a.gen - b.gen;
}

/** fullDump is every existing object of the subscribed evented classes as an `add`. */
export function fullDump(ctx: SimContext, sub: Subscription): EventRecord[] {
  const out: EventRecord[] = [];
  const gen = ctx.store.events.generation;
  for (const spec of CLASSES) {
    if (!spec.events) continue;
    for (const ref of ctx.store.refs(spec.name)) {
      if (sub.matches(spec.name, ref)) out.push(eventRecord(ctx, { gen, cls: spec.name, ref, op: 'add' }, '0.0'));
    }
  }
  return out;
}

/** validRefCounts maps every lowercase class name to its object count, sent as `<i4>`. */
export function validRefCounts(ctx: SimContext): Record<string, XmlRpcValue> {
  return markInt32(Object.fromEntries(CLASSES.map((spec) => [spec.name.toLowerCase(), ctx.store.count(spec.name)])));
}
