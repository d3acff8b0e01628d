/**
 * The Get* pipeline shared by every PLC read method: the filter argument in any of its shapes
 * (nil, a list of ids and/or names, one name, one id, a Filter struct), `return_fields`, and the
 * parameter specs that type-check both. `return_fields` is checked first (PLC builds the column
 * list before it reads the filter): an unknown column is 102
 * `unknown column(s) specified ['bogus'] in Slice`.
 */
import type { XmlRpcValue } from '../../../../../xmlrpc/value.js';
import { pyRepr } from '../../python.js';
import { invalidArgument } from './faults.js';
import { compileFilter, isFilterStruct, type Row } from './filter.js';
import { array, int, mixed, str, struct, type ParamSpec } from './param-check.js';

/** TableSpec describes one PLC table as the read methods expose it. */
export interface TableSpec {
  /** className names the table in messages (`… in Slice`). */
  className: string;
  fields: Record<string, ParamSpec>;
  /** idField and nameField are what a list, an int or a string filter select on. */
  idField: string;
  nameField?: string;
  /** extraColumns can be asked for in return_fields (accessor tags) but are not filterable. */
  extraColumns?: readonly string[];
}

/** filterParam is the spec of a Get* method's filter argument. */
export function filterParam(table: TableSpec): ParamSpec {
  const filterFields = Object.fromEntries(Object.entries(table.fields).map(([name, spec]) => [name, mixed(spec, array(spec))]));
  const idOrName = table.nameField ? mixed(int(), str()) : int();
  const shapes = table.nameField ? [array(idOrName), str(), int(), struct(filterFields)] : [array(idOrName), int(), struct(filterFields)];
  return { type: 'mixed', options: shapes, nullok: true, optional: true };
}

/** returnFieldsParam is the spec of `return_fields`: a list of column names, or nil. */
export const returnFieldsParam: ParamSpec = { type: 'array', items: str(), nullok: true, optional: true };

/** checkReturnFields returns the columns to keep (undefined = every native field). */
export function checkReturnFields(table: TableSpec, returnFields: XmlRpcValue | undefined): string[] | undefined {
  if (returnFields === null || returnFields === undefined) return undefined;
  const known = [...Object.keys(table.fields), ...(table.extraColumns ?? [])];
  const asked = (returnFields as XmlRpcValue[]).map(String);
  const rejected = asked.filter((f) => !known.includes(f));
  if (rejected.length) throw invalidArgument(`unknown column(s) specified ${pyRepr(rejected)} in ${table.className}`);
  return asked;
}

/** selectRows applies the filter (in any shape) to rows carrying every native field. */
export function selectRows(table: TableSpec, rows: Row[], filter: XmlRpcValue | undefined): Row[] {
  if (filter === null || filter === undefined) return rows;
  const fields = Object.keys(table.fields);
  if (Array.isArray(filter)) {
    const ids = filter.filter((v) => typeof v === 'number');
    const names = filter.filter((v) => typeof v === 'string');
    const byList = { [table.idField]: ids, ...(table.nameField ? { [table.nameField]: names } : {}) };
    return compileFilter(byList, fields, 'OR').apply(rows);
  }
  if (typeof filter === 'string' && table.nameField) return compileFilter({ [table.nameField]: filter }, fields).apply(rows);
  if (typeof filter === 'number') return compileFilter({ [table.idField]: filter }, fields).apply(rows);
  if (isFilterStruct(filter)) return compileFilter(filter, fields).apply(rows);
  throw invalidArgument(`Wrong ${table.className.toLowerCase()} filter ${pyRepr(filter)}`);
}

/** project keeps the asked columns; `columns` undefined keeps the native fields only. */
export function project(table: TableSpec, rows: Row[], columns: string[] | undefined): Row[] {
  const keep = columns ?? Object.keys(table.fields);
  return rows.map((row) => Object.fromEntries(keep.map((c) => [c, row[c] ?? null])));
}
