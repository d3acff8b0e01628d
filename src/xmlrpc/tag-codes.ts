/**
 * Tag names of XML-RPC as small integers, read straight from the reply's bytes (byte-cursor.ts),
 * so that the streaming decoder compares numbers instead of allocating a name string per tag.
 * A name is matched as fast-decoder.ts's Cursor does: ASCII letters are lower-cased, so
 * `<dateTime.iso8601>` and `<VALUE>` are known names; any other name is OTHER (its text is read
 * only when an error message needs it).
 */
/** TagCode is a tag name as a small integer (0: any name not listed). */
export type TagCode = number;
export const TAG_OTHER = 0;
export const TAG_METHOD_RESPONSE = 1;
export const TAG_PARAMS = 2;
export const TAG_PARAM = 3;
export const TAG_FAULT = 4;
export const TAG_VALUE = 5;
export const TAG_STRING = 6;
export const TAG_INT = 7;
export const TAG_I4 = 8;
export const TAG_I8 = 9;
export const TAG_DOUBLE = 10;
export const TAG_BOOLEAN = 11;
export const TAG_BASE64 = 12;
export const TAG_DATETIME = 13;
export const TAG_NIL = 14;
export const TAG_ARRAY = 15;
export const TAG_DATA = 16;
export const TAG_STRUCT = 17;
export const TAG_MEMBER = 18;
export const TAG_NAME = 19;

/** NAMES holds each code's name as the Cursor reports it (lower case), for messages and scalars. */
export const TAG_NAMES: readonly string[] = [
  '',
  'methodresponse',
  'params',
  'param',
  'fault',
  'value',
  'string',
  'int',
  'i4',
  'i8',
  'double',
  'boolean',
  'base64',
  'datetime.iso8601',
  'nil',
  'array',
  'data',
  'struct',
  'member',
  'name',
];

/** BY_LENGTH lists the codes of each name length, so a tag is compared with few candidates. */
const BY_LENGTH: TagCode[][] = [];
for (let code = 1; code < TAG_NAMES.length; code += 1) {
  const length = TAG_NAMES[code]!.length;
  (BY_LENGTH[length] ??= []).push(code);
}

/** lower is the ASCII lower case of one byte (other bytes unchanged). */
function lower(b: number): number {
  return b >= 65 && b <= 90 ? b + 32 : b;
}

/** tagCode names bytes[start, end) (ASCII only: the caller checked) as a known tag, or OTHER. */
export function tagCode(bytes: Uint8Array, start: number, end: number): TagCode {
  const candidates = BY_LENGTH[end - start];
  if (candidates === undefined) return TAG_OTHER;
  for (const code of candidates) {
    const name = TAG_NAMES[code]!;
    let i = 0;
    while (i < name.length && lower(bytes[start + i]!) === name.charCodeAt(i)) i += 1;
    if (i === name.length) return code;
  }
  return TAG_OTHER;
}

/** codeOfName is tagCode for a name already read as text (the non-ASCII fallback). */
export function codeOfName(name: string): TagCode {
  const code = TAG_NAMES.indexOf(name);
  return code > 0 ? code : TAG_OTHER;
}
