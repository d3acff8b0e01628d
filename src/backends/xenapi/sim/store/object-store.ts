/**
 * ObjectStore is the simulator's database: one table per class of the schema, rows keyed by
 * `OpaqueRef:<uuid>`. It fills constructor defaults, keeps the back-references of BACKREFS
 * consistent, records an event for every change of an evented class, and remembers whether a
 * persisted class changed (`takeDirty`) and which rows changed (`takeTouched`, for derived fields).
 *
 * Rows handed out are the live rows: callers must change them only through `update`.
 */
import { BACKREFS, classSpec } from '../schema/index.js';
import { cloneValue, type ClassSpec, type Row, type StoredValue } from '../schema/types.js';
import { handleInvalid, NULL_REF } from '../wire/errors.js';
import type { EventLog, EventOp } from './event-log.js';
import type { IdSource } from './ids.js';

export type Tables = Record<string, Record<string, Row>>;

export class ObjectStore {
  readonly events: EventLog;
  readonly ids: IdSource;
  readonly #now: () => number;
  readonly #tables = new Map<string, Map<string, Row>>();
  readonly #refClass = new Map<string, string>();
  /** #byName: class → name_label → refs, so that a lookup by name does not scan the table. */
  readonly #byName = new Map<string, Map<string, Set<string>>>();
  #dirty = false;
  #touched = new Set<string>();
  /** #versions: ref → the store-wide change count at the row's last change (it only grows). */
  readonly #versions = new Map<string, number>();
  #version = 0;
  /**
   * printed caches each row's wire form as printed XML, valid while the row's version is the one
   * it was printed at (wire/compact-xml.ts `printedOnce`): a 5,000-VM list reply printed every
   * unchanged VM again.
   */
  readonly printed = new Map<string, { version: number; xml: string }>();

  constructor(ids: IdSource, events: EventLog, now: () => number) {
    this.ids = ids;
    this.events = events;
    this.#now = now;
  }

  /** create inserts a row: given fields win, every other field gets its schema default. */
  create(cls: string, fields: Partial<Row>, ref = this.ids.ref()): string {
    const spec = requireSpec(cls);
    const row: Row = {};
    for (const field of spec.fields.values()) {
      const given = fields[field.name];
      row[field.name] = cloneValue(given ?? field.default);
    }
    if (!row.uuid) row.uuid = this.ids.uuid();
    this.#table(cls).set(ref, row);
    this.#refClass.set(ref, cls);
    this.#indexName(cls, ref, row.name_label, true);
    this.#changed(spec, ref, 'add');
    for (const link of BACKREFS) {
      if (link.child === cls) this.#link(link.parent, link.set, row[link.field], ref, true);
    }
    return ref;
  }

  get(cls: string, ref: string): Readonly<Row> | undefined {
    return this.#tables.get(cls)?.get(ref);
  }

  /** require returns the row or throws `HANDLE_INVALID [cls, ref]`. */
  require(cls: string, ref: string): Readonly<Row> {
    const row = this.get(cls, ref);
    if (!row) throw handleInvalid(cls, ref);
    return row;
  }

  classOf(ref: string): string | undefined {
    return this.#refClass.get(ref);
  }

  /** update writes the fields that differ; no change means no event. */
  update(cls: string, ref: string, patch: Partial<Row>): void {
    const spec = requireSpec(cls);
    const row = this.#tables.get(cls)?.get(ref);
    if (!row) throw handleInvalid(cls, ref);
    let changed = false;
    for (const [field, value] of Object.entries(patch)) {
      if (value === undefined || sameValue(row[field], value)) continue;
      const link = BACKREFS.find((l) => l.child === cls && l.field === field);
      if (link) {
        this.#link(link.parent, link.set, row[field], ref, false);
        this.#link(link.parent, link.set, value, ref, true);
      }
      if (field === 'name_label') {
        this.#indexName(cls, ref, row.name_label, false);
        this.#indexName(cls, ref, value, true);
      }
      row[field] = cloneValue(value);
      changed = true;
    }
    if (changed) this.#changed(spec, ref, 'mod');
  }

  /** touch records a `mod` event without changing the row (event.inject). */
  touch(cls: string, ref: string): void {
    this.require(cls, ref);
    this.#changed(requireSpec(cls), ref, 'mod');
  }

  destroy(cls: string, ref: string): void {
    const spec = requireSpec(cls);
    const row = this.#tables.get(cls)?.get(ref);
    if (!row) throw handleInvalid(cls, ref);
    for (const link of BACKREFS) {
      if (link.child === cls) this.#link(link.parent, link.set, row[link.field], ref, false);
    }
    this.#tables.get(cls)?.delete(ref);
    this.#refClass.delete(ref);
    this.#indexName(cls, ref, row.name_label, false);
    this.#changed(spec, ref, 'del');
  }

  entries(cls: string): Array<[string, Readonly<Row>]> {
    return [...(this.#tables.get(cls)?.entries() ?? [])];
  }

  refs(cls: string): string[] {
    return [...(this.#tables.get(cls)?.keys() ?? [])];
  }

  count(cls: string): number {
    return this.#tables.get(cls)?.size ?? 0;
  }

  /** refsNamed lists the rows of `cls` whose name_label is `name`, in no particular order. */
  refsNamed(cls: string, name: string): string[] {
    return [...(this.#byName.get(cls)?.get(name) ?? [])];
  }

  refByUuid(cls: string, uuid: string): string | undefined {
    for (const [ref, row] of this.#tables.get(cls) ?? []) if (row.uuid === uuid) return ref;
    return undefined;
  }

  /** version changes whenever the row of `ref` does (create, update, back-reference, delete, import). */
  version(ref: string): number {
    return this.#versions.get(ref) ?? -1;
  }

  takeDirty(): boolean {
    const dirty = this.#dirty;
    this.#dirty = false;
    return dirty;
  }

  /** takeTouched returns the rows created, changed or deleted since the last call, as [cls, ref]. */
  takeTouched(): Array<[string, string]> {
    const touched = [...this.#touched].map((key) => key.split('\u0000') as [string, string]);
    this.#touched = new Set();
    return touched;
  }

  /** exportTables copies the persisted classes. */
  exportTables(): Tables {
    const out: Tables = {};
    for (const [cls, table] of this.#tables) {
      if (!classSpec(cls)?.persisted) continue;
      out[cls] = Object.fromEntries([...table].map(([ref, row]) => [ref, { ...row }]));
    }
    return out;
  }

  /** importTables loads rows saved by exportTables, without events; unknown fields are dropped. */
  importTables(tables: Tables): void {
    for (const [cls, rows] of Object.entries(tables)) {
      const spec = classSpec(cls);
      if (!spec) continue;
      for (const [ref, saved] of Object.entries(rows)) {
        const row: Row = {};
        for (const field of spec.fields.values()) row[field.name] = cloneValue(saved[field.name] ?? field.default);
        this.#table(cls).set(ref, row);
        this.#refClass.set(ref, cls);
        this.#indexName(cls, ref, row.name_label, true);
        this.#versions.set(ref, ++this.#version);
      }
    }
  }

  #table(cls: string): Map<string, Row> {
    let table = this.#tables.get(cls);
    if (!table) this.#tables.set(cls, (table = new Map()));
    return table;
  }

  #indexName(cls: string, ref: string, name: StoredValue | undefined, add: boolean): void {
    if (typeof name !== 'string') return;
    let names = this.#byName.get(cls);
    if (!names) this.#byName.set(cls, (names = new Map()));
    const refs = names.get(name);
    if (add) names.set(name, (refs ?? new Set()).add(ref));
    else if (refs?.delete(ref) && refs.size === 0) names.delete(name);
  }

  #changed(spec: ClassSpec, ref: string, op: EventOp): void {
    if (spec.persisted) this.#dirty = true;
    this.#versions.set(ref, ++this.#version);
    if (op === 'del') this.printed.delete(ref);
    this.#touched.add(`${spec.name}\u0000${ref}`);
    if (spec.events) this.events.record(spec.name, ref, op, this.#now());
  }

  /**
   * #link adds or removes a child in its parent's back-reference set, in place: the set of a
   * network's VIFs or a host's resident VMs grows with the pool, and copying and comparing it on
   * every create made creates cost O(n) each. Rows are live, so nothing else holds the array.
   */
  #link(parentCls: string, setField: string, parentRef: StoredValue | undefined, childRef: string, add: boolean): void {
    if (typeof parentRef !== 'string' || parentRef === NULL_REF) return;
    const parent = this.#tables.get(parentCls)?.get(parentRef);
    if (!parent) return;
    let current = parent[setField] as string[] | undefined;
    if (!current) parent[setField] = current = [];
    const at = current.indexOf(childRef);
    if (add === at >= 0) return;
    if (add) current.push(childRef);
    else current.splice(at, 1);
    this.#changed(requireSpec(parentCls), parentRef, 'mod');
  }
}

function requireSpec(cls: string): ClassSpec {
  const spec = classSpec(cls);
  if (!spec) throw new Error(`store: unknown class ${cls}`);
  return spec;
}

export function sameValue(a: StoredValue | undefined, b: StoredValue): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  return JSON.stringify(a) === JSON.stringify(b);
}
