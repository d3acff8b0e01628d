/**
 * Turns ajv's errors into short, readable problems ("spec.systems[0].memory: must be string",
 * "unknown field spec.foo", "missing required field spec.backend"). Alternatives (oneOf) are
 * collapsed to the branch the user evidently meant. Messages never include the offending value,
 * which might be a secret.
 */
import type { ErrorObject } from 'ajv/dist/2020.js';
import { formatFieldPath, pointerToPath, type FieldPath } from './field-path.js';
import type { Anchor } from './node-location.js';
import { isRecord } from './raw-value.js';

/** SchemaProblem is one readable schema violation at a path of the document. */
export interface SchemaProblem {
  path: FieldPath;
  anchor: Anchor;
  message: string;
}

/** PATTERN_PHRASES says in words what each pattern used by the schemas means. */
export const PATTERN_PHRASES: Readonly<Record<string, string>> = {
  '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$': "must be a DNS label: lower-case letters, digits and '-', starting and ending with a letter or digit",
  '^[a-z][a-z0-9_-]*$': "must start with a lower-case letter and contain only lower-case letters, digits, '_' and '-'",
  '^[0-9]+(\\.[0-9]+)?(([kKmMgGtT]|[KMGT]i)B?|B)$': 'must be a size with units, e.g. 512Mi or 20GB',
  '^([0-9]+(\\.[0-9]+)?(ms|s|m|h|d))+$': 'must be a duration with units, e.g. 90s or 1h30m',
  '^(embedded|https?://[^\\s]+)$': 'must be `embedded` or an http(s) URL',
  '^https?://[^\\s]+$': 'must be an http(s) URL',
  '^[A-Za-z_][A-Za-z0-9_]*$': 'must be an environment variable name (letters, digits and _)',
  '^[0-9]{1,5}(:[0-9]{1,5})?/(tcp|udp)$': 'must be a port or port range with a protocol, e.g. 22/tcp or 8000:8010/tcp',
  '^[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?$': 'must be a host name',
  '^[^@\\s]+@[^@\\s]+$': 'must be an e-mail address',
  '^/': 'must be an absolute path',
  '^[a-z][a-z0-9-]{0,30}$': "must be a testbed name: a lower-case letter, then up to 30 lower-case letters, digits and '-'",
  '^[^\\s:]+:[0-9]{1,5}$': 'must be host:port, e.g. 127.0.0.1:0 or 0.0.0.0:23235',
  '^[0-9]+(\\.[0-9]+)?[kMG]?bps$': 'must be a rate with units, e.g. 10kbps, 100Mbps or 1Gbps',
  '^[A-Za-z][A-Za-z0-9_]*$': "must start with a letter and contain only letters, digits and '_'",
  '^[a-z0-9.]+_[a-zA-Z0-9_.]+$': "must be a PLC slice name: the site's login_base (lower-case letters, digits, '.'), '_', then letters, digits, '_' or '.'",
};

/** describeSchemaErrors maps ajv errors (verbose mode) to problems, without duplicates. */
export function describeSchemaErrors(errors: readonly ErrorObject[]): SchemaProblem[] {
  if (errors.length === 0) return []; // every valid document: skip building the filters and the set
  const problems = collapseAlternatives(errors.filter((e) => e.keyword !== 'if')).map(describe);
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${formatFieldPath(p.path)}|${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * collapseAlternatives replaces each failed oneOf (innermost first) by the errors of the branch
 * whose type matched the data; if no branch's type matched, by one "must be X or Y" error.
 */
function collapseAlternatives(errors: ErrorObject[]): ErrorObject[] {
  const alternatives = errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf');
  alternatives.sort((a, b) => b.schemaPath.length - a.schemaPath.length);
  let result = errors;
  for (const alternative of alternatives) {
    const prefix = `${alternative.schemaPath}/`;
    const inside = result.filter((e) => e.schemaPath.startsWith(prefix));
    const replacement = chooseBranch(alternative, inside);
    result = result.flatMap((e) => (e === alternative ? replacement : inside.includes(e) ? [] : [e]));
  }
  return result;
}

function chooseBranch(alternative: ErrorObject, inside: ErrorObject[]): ErrorObject[] {
  const branches = Array.isArray(alternative.schema) ? (alternative.schema as unknown[]) : [];
  const requiredOnly = branches.map((b) => (isRecord(b) && Object.keys(b).join() === 'required' ? b.required : undefined));
  if (requiredOnly.length > 0 && requiredOnly.every(Array.isArray)) {
    const names = requiredOnly.flat().join(' or ');
    return [{ ...alternative, keyword: 'x-one-of-fields', message: `must have exactly one of ${names}` }];
  }
  const byBranch = branches.map((_, i) => inside.filter((e) => e.schemaPath.startsWith(`${alternative.schemaPath}/${i}/`)));
  const typeMatched = byBranch.filter((errs) => !errs.some((e) => e.keyword === 'type' && e.instancePath === alternative.instancePath));
  if (typeMatched.length > 0) {
    return typeMatched.reduce((best, errs) => (errs.length < best.length ? errs : best));
  }
  const types = branches.map((b) => (isRecord(b) ? b.type : undefined)).filter((t) => typeof t === 'string');
  return [{ ...alternative, keyword: 'type', params: { type: types.join(' or ') } }];
}

/** describe turns one ajv error into a problem located at the right node. */
function describe(error: ErrorObject): SchemaProblem {
  const path = pointerToPath(error.instancePath);
  const at = formatFieldPath(path);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required': {
      const missing = [...path, String(params.missingProperty)];
      return { path, anchor: 'key', message: `missing required field ${formatFieldPath(missing)}` };
    }
    case 'additionalProperties': {
      const field = [...path, String(params.additionalProperty)];
      return { path: field, anchor: 'key', message: `unknown field ${formatFieldPath(field)}${allowedFields(error)}` };
    }
    default:
      return { path, anchor: 'value', message: `${at}: ${valueMessage(error, params)}` };
  }
}

function valueMessage(error: ErrorObject, params: Record<string, unknown>): string {
  switch (error.keyword) {
    case 'type':
      return `must be ${String(params.type).split(',').join(' or ')}`;
    case 'enum':
      return `must be one of ${(params.allowedValues as unknown[]).map(String).join(', ')}`;
    case 'const':
      return `must be ${String(params.allowedValue)}`;
    case 'pattern':
      return PATTERN_PHRASES[String(params.pattern)] ?? `must match ${String(params.pattern)}`;
    case 'minItems':
      return `must have at least ${String(params.limit)} item${params.limit === 1 ? '' : 's'}`;
    case 'minLength':
      return params.limit === 1 ? 'must not be empty' : `must have at least ${String(params.limit)} characters`;
    case 'maxLength':
      return `must have at most ${String(params.limit)} characters`;
    default:
      return error.message ?? `fails ${error.keyword}`;
  }
}

/** allowedFields lists the fields the enclosing object accepts, to make typos obvious. */
function allowedFields(error: ErrorObject): string {
  const properties = error.parentSchema?.properties as unknown;
  if (!isRecord(properties)) return '';
  return ` (allowed: ${Object.keys(properties).join(', ')})`;
}
