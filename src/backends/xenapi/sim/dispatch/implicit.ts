/**
 * The implicit class messages xapi generates from its datamodel (xenapi.md §2, §7.7): get_all,
 * get_all_records, get_all_records_where, get_all_where, get_record, get_by_uuid,
 * get_by_name_label, a getter per field, `set_<f>` for RW fields, `add_to_<f>` /
 * `remove_from_<f>` for RW maps and `add_<f>` / `remove_<f>` for RW sets.
 *
 * Map and set semantics: add_to_ of an existing key is `MAP_DUPLICATE_KEY [Class, field, ref,
 * key]` (never overwritten); remove_from_ of a missing key, add_ of a present value and remove_
 * of a missing one are silent no-ops. Setting a ref field to an unknown object is HANDLE_INVALID.
 */
import type { XmlRpcValue } from '../../../../xmlrpc/value.js';
import type { ClassSpec, FieldSpec, StoredValue } from '../schema/types.js';
import { classSpec } from '../schema/index.js';
import { matchWhere, nameEqualities, parseWhere } from '../store/where.js';
import { recordToWire, toWire } from '../wire/convert.js';
import { printedXml, printOnce } from '../wire/compact-xml.js';
import { handleInvalid, NULL_REF, uuidInvalid, XenApiError } from '../wire/errors.js';
import type { SimContext } from './context.js';
import { argStr, p, T, type MethodSpec } from './method-spec.js';

/**
 * wireRecord is a row as get_record returns it. Its printed XML is reused while the row is
 * unchanged (the record is a pure function of the row; callers must not change it).
 */
export function wireRecord(ctx: SimContext, cls: string, ref: string): Record<string, XmlRpcValue> {
  const spec = classSpec(cls);
  if (!spec) throw new Error(`unknown class ${cls}`);
  const record = recordToWire(spec, ctx.store.require(cls, ref));
  return printOnce(record, { cache: ctx.store.printed, key: ref, version: ctx.store.version(ref) });
}

/**
 * listedRecord is wireRecord for the list calls, whose values only the printer reads: a row
 * printed at its current version is answered with that print, without building the record.
 */
function listedRecord(ctx: SimContext, cls: string, ref: string): XmlRpcValue {
  const print = printedXml({ cache: ctx.store.printed, key: ref, version: ctx.store.version(ref) });
  return print ? (print as unknown as XmlRpcValue) : wireRecord(ctx, cls, ref);
}

function listMessages(ctx: SimContext, spec: ClassSpec): MethodSpec[] {
  const c = spec.name;
  const where = (expr: string): string[] => {
    const parsed = parseWhere(expr);
    const names = spec.fields.has('name_label') ? nameEqualities(parsed) : undefined;
    if (names !== undefined) return names.length === 1 ? ctx.store.refsNamed(c, names[0]!) : [...new Set(names.flatMap((name) => ctx.store.refsNamed(c, name)))];
    return ctx.store.entries(c).filter(([, row]) => matchWhere(parsed, spec, row)).map(([ref]) => ref);
  };
  const records = (refs: string[]): XmlRpcValue => Object.fromEntries(refs.map((ref) => [ref, listedRecord(ctx, c, ref)]));
  return [
    { name: `${c}.get_all`, params: [], run: () => ctx.store.refs(c) },
    { name: `${c}.get_all_records`, params: [], run: () => records(ctx.store.refs(c)) },
    { name: `${c}.get_all_records_where`, params: [p('expr', T.string)], run: (a) => records(where(argStr(a, 0))) },
    { name: `${c}.get_all_where`, params: [p('expr', T.string)], run: (a) => where(argStr(a, 0)) },
  ];
}

function lookupMessages(ctx: SimContext, spec: ClassSpec): MethodSpec[] {
  const c = spec.name;
  const out: MethodSpec[] = [
    { name: `${c}.get_record`, params: [p('self', T.ref(c))], run: (a) => wireRecord(ctx, c, argStr(a, 0)) },
    {
      name: `${c}.get_by_uuid`,
      params: [p('uuid', T.string)],
      run: (a) => ctx.store.refByUuid(c, argStr(a, 0)) ?? throwError(uuidInvalid(c, argStr(a, 0))),
    },
  ];
  if (spec.fields.has('name_label')) {
    out.push({
      name: `${c}.get_by_name_label`,
      params: [p('label', T.string)],
      run: (a) => ctx.store.entries(c).filter(([, row]) => row.name_label === argStr(a, 0)).map(([ref]) => ref),
    });
  }
  return out;
}

function throwError(error: Error): never {
  throw error;
}

function fieldMessages(ctx: SimContext, spec: ClassSpec, field: FieldSpec): MethodSpec[] {
  const c = spec.name;
  const f = field.name;
  const current = (ref: string): StoredValue => ctx.store.require(c, ref)[f] ?? field.default;
  const out: MethodSpec[] = [{ name: `${c}.get_${f}`, params: [p('self', T.ref(c))], run: (a) => toWire(field.type, current(argStr(a, 0))) }];
  if (field.qualifier !== 'RW') return out;
  out.push({
    name: `${c}.set_${f}`,
    params: [p('self', T.ref(c)), p('value', field.type)],
    run: (a) => {
      const value = a[1] as StoredValue;
      if (field.type.kind === 'ref' && value !== NULL_REF && classSpec(field.type.cls) && !ctx.store.get(field.type.cls, String(value))) {
        throw handleInvalid(field.type.cls, String(value));
      }
      ctx.store.require(c, argStr(a, 0));
      ctx.store.update(c, argStr(a, 0), { [f]: value });
      return '';
    },
  });
  if (field.type.kind === 'map') out.push(...mapMessages(ctx, c, f, current));
  if (field.type.kind === 'set') out.push(...setMessages(ctx, c, f, field, current));
  return out;
}

function mapMessages(ctx: SimContext, c: string, f: string, current: (ref: string) => StoredValue): MethodSpec[] {
  return [
    {
      name: `${c}.add_to_${f}`,
      params: [p('self', T.ref(c)), p('key', T.string), p('value', T.string)],
      run: (a) => {
        const [ref, key, value] = [argStr(a, 0), argStr(a, 1), argStr(a, 2)];
        const map = current(ref) as Record<string, string>;
        if (key in map) throw new XenApiError('MAP_DUPLICATE_KEY', [c, f, ref, key]);
        ctx.store.update(c, ref, { [f]: { ...map, [key]: value } });
        return '';
      },
    },
    {
      name: `${c}.remove_from_${f}`,
      params: [p('self', T.ref(c)), p('key', T.string)],
      run: (a) => {
        const map = { ...(current(argStr(a, 0)) as Record<string, string>) };
        delete map[argStr(a, 1)];
        ctx.store.update(c, argStr(a, 0), { [f]: map });
        return '';
      },
    },
  ];
}

function setMessages(ctx: SimContext, c: string, f: string, field: FieldSpec, current: (ref: string) => StoredValue): MethodSpec[] {
  const elementType = field.type.kind === 'set' ? field.type.of : T.string;
  const change = (ref: string, value: string, add: boolean): XmlRpcValue => {
    const list = current(ref) as string[];
    const next = add ? (list.includes(value) ? list : [...list, value]) : list.filter((v) => v !== value);
    ctx.store.update(c, ref, { [f]: next });
    return '';
  };
  return [
    { name: `${c}.add_${f}`, params: [p('self', T.ref(c)), p('value', elementType)], run: (a) => change(argStr(a, 0), argStr(a, 1), true) },
    { name: `${c}.remove_${f}`, params: [p('self', T.ref(c)), p('value', elementType)], run: (a) => change(argStr(a, 0), argStr(a, 1), false) },
  ];
}

/** implicitMessages lists every generated message of a class. */
export function implicitMessages(ctx: SimContext, spec: ClassSpec): MethodSpec[] {
  const out = spec.listable ? listMessages(ctx, spec) : [];
  out.push(...lookupMessages(ctx, spec));
  for (const field of spec.fields.values()) out.push(...fieldMessages(ctx, spec, field));
  return out;
}
