/**
 * PLC's Filter (PLC/Filter.py, planetlab.md §A7), evaluated on rows instead of compiled to SQL,
 * with SQL's semantics kept where a client can see them:
 * - equality by default; a list value is `IN (…)` (an empty list matches nothing); nil is `IS NULL`;
 * - a string with `*` or `%` is a LIKE pattern, where `_` also matches any one character;
 * - key modifiers: `~` NOT, `<` `>` strict, `[` `]` ≤ ≥, `&` array contains all, `|` contains any;
 * - comparisons with a NULL column are unknown, and NOT unknown is still unknown: such rows never
 *   match, negated or not;
 * - `-SORT` (field or list, `+`/`-` prefix; NULLs last ascending, first descending), `-OFFSET`,
 *   `-LIMIT`, and `-OR` (any value) to join the clauses with OR instead of AND.
 * Unknown fields are 102 `Invalid filter field 'x'`.
 */
import { isStruct, type XmlRpcStruct, type XmlRpcValue } from '../../../../../xmlrpc/value.js';
import { pyRepr, pyTypeName } from '../../python.js';
import { PythonError, invalidArgument } from './faults.js';

/** Row is a full row a filter is evaluated on. */
export type Row = Record<string, XmlRpcValue>;
type Tri = boolean | null;
type Clause = (row: Row) => Tri;

/** CompiledFilter selects, sorts and clips rows. */
export interface CompiledFilter {
  apply(rows: Row[]): Row[];
}

interface Modifiers {
  not: boolean;
  lt: boolean;
  gt: boolean;
  le: boolean;
  ge: boolean;
  special: boolean;
  all: boolean;
  any: boolean;
}

const MODIFIER_KEYS: Record<string, keyof Modifiers> = { '~': 'not', '<': 'lt', '>': 'gt', '[': 'le', ']': 'ge', '-': 'special', '&': 'all', '|': 'any' };

/** compileFilter validates a Filter struct over `fields` (102 on unknown keys) and returns its evaluator. */
export function compileFilter(filter: XmlRpcStruct, fields: readonly string[], join: 'AND' | 'OR' = 'AND'): CompiledFilter {
  const clauses: Clause[] = [];
  const sorts: Array<{ field: string; descending: boolean }> = [];
  let offset = 0;
  let limit: number | undefined;
  let joinWith = join;
  for (const [key, value] of Object.entries(filter)) {
    const { field, modifiers } = parseModifiers(key);
    if (!modifiers.special) {
      if (!fields.includes(field)) throw invalidArgument(`Invalid filter field ${pyRepr(field)}`);
      clauses.push(negate(buildClause(field, value, modifiers), modifiers.not));
    } else if (field === 'SORT') sorts.push(...parseSort(value, fields));
    else if (field === 'OFFSET') offset = clipNumber(value);
    else if (field === 'LIMIT') limit = clipNumber(value);
    else if (field === 'OR') joinWith = 'OR';
    else throw invalidArgument(`Invalid filter, unknown sort and clip field ${pyRepr(field)}`);
  }
  return {
    apply(rows) {
      const kept = rows.filter((row) => combine(clauses.map((c) => c(row)), joinWith) === true);
      const sorted = sorts.length ? [...kept].sort((a, b) => compareRows(a, b, sorts)) : kept;
      return sorted.slice(offset, limit === undefined ? undefined : offset + limit);
    },
  };
}

function parseModifiers(key: string): { field: string; modifiers: Modifiers } {
  const modifiers: Modifiers = { not: false, lt: false, gt: false, le: false, ge: false, special: false, all: false, any: false };
  let field = key;
  while (field.length > 0 && MODIFIER_KEYS[field[0] as string] !== undefined) {
    modifiers[MODIFIER_KEYS[field[0] as string] as keyof Modifiers] = true;
    field = field.slice(1);
  }
  return { field, modifiers };
}

function buildClause(field: string, value: XmlRpcValue, m: Modifiers): Clause {
  if (m.all || m.any) return arrayClause(field, Array.isArray(value) ? value : [value], m.all);
  if (Array.isArray(value)) {
    if (value.length === 0) return () => false;
    return (row) => (row[field] === null || row[field] === undefined ? null : value.some((v) => sqlEquals(row[field], v)));
  }
  if (value === null) return (row) => row[field] === null || row[field] === undefined;
  if (typeof value === 'string' && /[*%]/.test(value)) {
    const pattern = likePattern(value);
    return (row) => (row[field] === null || row[field] === undefined ? null : pattern.test(String(row[field])));
  }
  const op = m.lt ? '<' : m.gt ? '>' : m.le ? '<=' : m.ge ? '>=' : '=';
  return (row) => compareScalar(row[field], value, op);
}

function arrayClause(field: string, values: XmlRpcValue[], all: boolean): Clause {
  return (row) => {
    const column = row[field];
    if (!Array.isArray(column)) return null;
    if (values.length === 0) return column.length === 0;
    return all ? values.every((v) => column.some((c) => sqlEquals(c, v))) : values.some((v) => column.some((c) => sqlEquals(c, v)));
  };
}

function compareScalar(column: XmlRpcValue | undefined, value: XmlRpcValue, op: '<' | '>' | '<=' | '>=' | '='): Tri {
  if (column === null || column === undefined) return null;
  if (op === '=') return sqlEquals(column, value);
  const order = compareValues(column, value);
  return op === '<' ? order < 0 : op === '>' ? order > 0 : op === '<=' ? order <= 0 : order >= 0;
}

function sqlEquals(a: XmlRpcValue | undefined, b: XmlRpcValue): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a === b;
  if (typeof a === 'number' || typeof b === 'number') return Number(a) === Number(b);
  return JSON.stringify(a) === JSON.stringify(b);
}

function compareValues(a: XmlRpcValue | undefined, b: XmlRpcValue | undefined): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const left = String(a);
  const right = String(b);
  return left < right ? -1 : left > right ? 1 : 0;
}

/** likePattern: `*` and `%` match any run, `_` any one character, everything else itself. */
function likePattern(value: string): RegExp {
  const body = [...value].map((ch) => (ch === '*' || ch === '%' ? '.*' : ch === '_' ? '.' : ch.replace(/[\\^$.|?+()[\]{}]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`, 's');
}

function negate(clause: Clause, not: boolean): Clause {
  if (!not) return clause;
  return (row) => {
    const result = clause(row);
    return result === null ? null : !result;
  };
}

function combine(results: Tri[], join: 'AND' | 'OR'): Tri {
  if (join === 'AND') return results.includes(false) ? false : results.includes(null) ? null : true;
  return results.includes(true) ? true : results.length === 0 ? false : results.includes(null) ? null : false;
}

function parseSort(value: XmlRpcValue, fields: readonly string[]): Array<{ field: string; descending: boolean }> {
  const entries = Array.isArray(value) ? value : [value];
  return entries.map((entry) => {
    const text = String(entry);
    const descending = text.startsWith('-');
    const field = text.startsWith('-') || text.startsWith('+') ? text.slice(1) : text;
    if (!fields.includes(field)) throw invalidArgument(`Invalid field ${pyRepr(field)} in SORT filter`);
    return { field, descending };
  });
}

function compareRows(a: Row, b: Row, sorts: Array<{ field: string; descending: boolean }>): number {
  for (const { field, descending } of sorts) {
    const left = a[field];
    const right = b[field];
    const leftNull = left === null || left === undefined;
    const rightNull = right === null || right === undefined;
    if (leftNull || rightNull) {
      if (leftNull && rightNull) continue;
      return (leftNull ? 1 : -1) * (descending ? -1 : 1);
    }
    const order = compareValues(left, right);
    if (order !== 0) return descending ? -order : order;
  }
  return 0;
}

function clipNumber(value: XmlRpcValue): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new PythonError('TypeError', `%d format: a number is required, not ${pyTypeName(value)}`);
  return Math.max(0, value);
}

/** isFilterStruct tells a Filter struct from the other filter shapes (list, id, name). */
export function isFilterStruct(value: XmlRpcValue | undefined): value is XmlRpcStruct {
  return isStruct(value);
}
