/**
 * storedString is a field's value as xapi's database stores it, which is what the where-filter
 * compares: ints in decimal, bools `true`/`false`, datetimes `YYYYMMDDTHH:MM:SSZ`, sets
 * `('a' 'b')` and maps `(('k' 'v') ('k2' 'v2'))` (s-expressions, quotes and backslashes escaped).
 */
import type { FieldType, StoredValue } from '../schema/types.js';
import { formatDateTime, formatDouble } from '../wire/compact-xml.js';

const quote = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

export function storedString(type: FieldType, value: StoredValue): string {
  switch (type.kind) {
    case 'int':
      return String(Math.trunc(Number(value)));
    case 'float':
      return formatDouble(Number(value));
    case 'bool':
      return value ? 'true' : 'false';
    case 'datetime':
      return formatDateTime(new Date(Number(value)));
    case 'set':
      return `(${(value as string[]).map(quote).join(' ')})`;
    case 'map':
      return `(${Object.entries(value as Record<string, string>)
        .map(([k, v]) => `(${quote(k)} ${quote(v)})`)
        .join(' ')})`;
    default:
      return String(value);
  }
}
