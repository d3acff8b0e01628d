/**
 * A js-yaml schema that resolves plain scalars exactly as the `yaml` package's YAML 1.2 core
 * schema does (the loader's reference parser, see parse-manifest-file.ts): the same regular
 * expressions, in the same order, converted by the same calls (node_modules/yaml/dist/schema/core
 * and schema/common). js-yaml's own core tags differ in small ways (`1_000` is a number there),
 * which is why they are not used.
 *
 * Mappings are js-yaml's plain objects, built as `yaml`'s toJS builds them for string, number
 * and boolean keys (String(key); inherited names such as `__proto__` as own properties). Null,
 * collection and merge (`<<`) keys convert differently: fast-parse.ts declines those files.
 */
import { FAILSAFE_SCHEMA, Type, type Schema } from 'js-yaml';

const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT_OCT = /^0o[0-7]+$/;
const INT = /^[-+]?[0-9]+$/;
const INT_HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT_NAN = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;

/**
 * First-character filters, so that most plain scalars (names, images, URLs) are refused without
 * running the regular expressions: each expression above can only match text that starts with one
 * of these characters (NULL also matches the empty string), so a filter never changes a result.
 */
function mayStartNull(source: string): boolean {
  const c = source.charCodeAt(0);
  return source.length === 0 || c === 0x7e /* ~ */ || c === 0x4e /* N */ || c === 0x6e /* n */;
}

function mayStartBool(source: string): boolean {
  const c = source.charCodeAt(0);
  return c === 0x54 /* T */ || c === 0x74 /* t */ || c === 0x46 /* F */ || c === 0x66 /* f */;
}

/** mayStartNumber: a digit, `-` or `+` (every INT and FLOAT form; FLOAT also starts with `.`). */
function mayStartNumber(source: string): boolean {
  const c = source.charCodeAt(0);
  return (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b;
}

const nullType = new Type('tag:yaml.org,2002:null', {
  kind: 'scalar',
  resolve: (source: string | null) => source === null || (mayStartNull(source) && NULL.test(source)),
  construct: () => null,
  predicate: (data: unknown) => data === null,
});

const boolType = new Type('tag:yaml.org,2002:bool', {
  kind: 'scalar',
  resolve: (source: string | null) => source !== null && mayStartBool(source) && BOOL.test(source),
  construct: (source: string) => source[0] === 't' || source[0] === 'T',
  predicate: (data: unknown) => typeof data === 'boolean',
});

/** intType: yaml's intOct, int and intHex in that order, converted as its intResolve does. */
const intType = new Type('tag:yaml.org,2002:int', {
  kind: 'scalar',
  resolve: (source: string | null) => source !== null && mayStartNumber(source) && (INT_OCT.test(source) || INT.test(source) || INT_HEX.test(source)),
  construct: (source: string) => {
    if (INT_OCT.test(source)) return parseInt(source.substring(2), 8);
    if (INT.test(source)) return parseInt(source, 10);
    return parseInt(source.substring(2), 16);
  },
  predicate: (data: unknown) => Number.isInteger(data),
});

/** floatType: yaml's floatNaN, floatExp and float in that order. */
const floatType = new Type('tag:yaml.org,2002:float', {
  kind: 'scalar',
  resolve: (source: string | null) => source !== null && (mayStartNumber(source) || source.charCodeAt(0) === 0x2e) && (FLOAT_NAN.test(source) || FLOAT_EXP.test(source) || FLOAT.test(source)),
  construct: (source: string) => {
    if (!FLOAT_NAN.test(source)) return parseFloat(source);
    if (source.slice(-3).toLowerCase() === 'nan') return NaN;
    return source[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  },
  predicate: (data: unknown) => typeof data === 'number',
});

/** CORE_AS_YAML_DOES: failsafe strings, sequences and mappings, and the types above in yaml's order. */
export const CORE_AS_YAML_DOES: Schema = FAILSAFE_SCHEMA.extend({ implicit: [nullType, boolType, intType, floatType] });
