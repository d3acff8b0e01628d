/**
 * checkShape tells whether an XML-RPC value is a valid instance of a schema type (schema.ts), in
 * the dict encoding fedd uses over XML-RPC: a complex type is a struct whose members are its
 * elements; an element with maxOccurs="unbounded" is always an array (even of one item), any
 * other element is a single value; a choice has exactly one member; xsd:string is a string,
 * xsd:boolean a boolean, xsd:double/float a number, xsd:int an integer, xsd:base64Binary a
 * `<base64>` (Buffer), xsd:dateTime a `<dateTime.iso8601>` (Date). nil appears nowhere.
 *
 * It returns the problems found (empty when the value conforms), each naming the path.
 */
import { isStruct, type XmlRpcValue } from '../../../../xmlrpc/value.js';
import { FEDD_SCHEMA, type ComplexTypeSpec, type FieldSpec } from './schema.js';

const MAX_PROBLEMS = 20;

/** checkShape returns the ways `value` differs from schema type `type`, `path` naming the value. */
export function checkShape(value: XmlRpcValue | undefined, type: string, path: string): string[] {
  const problems: string[] = [];
  visit(value, type, undefined, path, problems);
  return problems.slice(0, MAX_PROBLEMS);
}

function visit(value: XmlRpcValue | undefined, type: string, enumValues: string[] | undefined, path: string, problems: string[]): void {
  if (problems.length >= MAX_PROBLEMS) return;
  if (value === null || value === undefined) return void problems.push(`${path}: nil is not allowed`);
  const scalarProblem = checkScalar(value, type);
  if (scalarProblem !== undefined) {
    if (scalarProblem) problems.push(`${path}: ${scalarProblem}`);
    else if (enumValues && !enumValues.includes(String(value))) problems.push(`${path}: ${JSON.stringify(value)} is not one of ${enumValues.join(', ')}`);
    return;
  }
  const spec = FEDD_SCHEMA[type];
  if (!spec) return void problems.push(`${path}: unknown schema type ${type}`);
  if (spec.kind === 'enum') {
    if (typeof value !== 'string' || !spec.values.includes(value)) problems.push(`${path}: ${JSON.stringify(value)} is not one of ${spec.values.join(', ')}`);
    return;
  }
  if (!isStruct(value)) return void problems.push(`${path}: expected a struct (${type})`);
  checkComplex(value, spec, path, problems);
}

function checkComplex(value: Record<string, XmlRpcValue>, spec: ComplexTypeSpec, path: string, problems: string[]): void {
  const fields = [...spec.fields, ...(spec.attributes ?? [])];
  const known = new Map(fields.map((f) => [f.name, f]));
  for (const key of Object.keys(value)) {
    if (!known.has(key)) problems.push(`${path}: unexpected member ${key}`);
  }
  if (spec.kind === 'choice') {
    const present = spec.fields.filter((f) => value[f.name] !== undefined);
    if (present.length !== 1) problems.push(`${path}: needs exactly one of ${spec.fields.map((f) => f.name).join(', ')}`);
  } else {
    for (const field of spec.fields) {
      if (field.min === 1 && value[field.name] === undefined) problems.push(`${path}: missing ${field.name}`);
    }
  }
  for (const field of fields) {
    const member = value[field.name];
    if (member !== undefined) checkField(member, field, `${path}.${field.name}`, problems);
  }
}

function checkField(member: XmlRpcValue, field: FieldSpec, path: string, problems: string[]): void {
  if (field.max === 1) {
    if (Array.isArray(member)) return void problems.push(`${path}: expected one value, got an array`);
    return visit(member, field.type, field.enum, path, problems);
  }
  if (!Array.isArray(member)) return void problems.push(`${path}: expected an array (maxOccurs unbounded)`);
  if (field.min === 1 && member.length === 0) problems.push(`${path}: needs at least one item`);
  member.forEach((item, i) => visit(item, field.type, field.enum, `${path}[${i}]`, problems));
}

/** checkScalar: undefined = not a scalar type; '' = valid; otherwise the problem. */
function checkScalar(value: XmlRpcValue, type: string): string | undefined {
  switch (type) {
    case 'xsd:string':
      return typeof value === 'string' ? '' : 'expected a string';
    case 'xsd:boolean':
      return typeof value === 'boolean' ? '' : 'expected a boolean';
    case 'xsd:double':
    case 'xsd:float':
      return typeof value === 'number' && Number.isFinite(value) ? '' : 'expected a double';
    case 'xsd:int':
      return typeof value === 'number' && Number.isInteger(value) ? '' : 'expected an int';
    case 'xsd:base64Binary':
      return Buffer.isBuffer(value) ? '' : 'expected base64';
    case 'xsd:dateTime':
      return value instanceof Date ? '' : 'expected a dateTime';
    default:
      return undefined;
  }
}
