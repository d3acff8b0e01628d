/**
 * A reader for fedd's own interface definitions (test/fixtures/fedd/: fedd_types.xsd, topdl.xsd,
 * fedd.wsdl) and a checker of XML-RPC values against them, written independently of the
 * simulator's schema table so that tests compare the simulator with the real definitions.
 *
 * The XSDs use a small subset of XML Schema: complexType with sequence/choice of elements
 * (minOccurs/maxOccurs), simpleType enumerations, an optional attribute, and (a quirk) an
 * enumeration directly inside an element. That is all this reader understands.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isStruct, type XmlRpcValue } from '../../../src/xmlrpc/value.js';

export const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'fedd');

const NAMESPACES: Record<string, string> = {
  'http://www.isi.edu/fedd_types': 'fedd',
  'http://www.isi.edu/topdl': 'topdl',
  'http://www.w3.org/2001/XMLSchema': 'xsd',
};

export interface XsdField {
  name: string;
  type: string;
  min: 0 | 1;
  max: 1 | 'unbounded';
  enum?: string[];
}

export type XsdType = { kind: 'sequence' | 'choice'; fields: XsdField[]; attributes?: XsdField[] } | { kind: 'enum'; values: string[] };

interface Tag {
  closing: boolean;
  name: string;
  attrs: Record<string, string>;
  selfClosing: boolean;
}

function tags(xml: string): Tag[] {
  const text = xml.replace(/<!--[\s\S]*?-->/g, '');
  const out: Tag[] = [];
  for (const m of text.matchAll(/<(\/?)([\w:]+)((?:\s+[\w:]+\s*=\s*"[^"]*")*)\s*(\/?)>/g)) {
    const attrs: Record<string, string> = {};
    for (const a of (m[3] ?? '').matchAll(/([\w:]+)\s*=\s*"([^"]*)"/g)) attrs[a[1] as string] = a[2] as string;
    out.push({ closing: m[1] === '/', name: m[2] as string, attrs, selfClosing: m[4] === '/' });
  }
  return out;
}

/** readXsd returns the named types of one schema file, keyed `<ns>:<name>`. */
export function readXsd(file: string): Record<string, XsdType> {
  const all = tags(readFileSync(join(FIXTURES, file), 'utf8'));
  const root = all.find((t) => t.name === 'xsd:schema') as Tag;
  const prefixes: Record<string, string> = {};
  for (const [k, v] of Object.entries(root.attrs)) if (k.startsWith('xmlns:')) prefixes[k.slice(6)] = NAMESPACES[v] ?? v;
  const target = NAMESPACES[root.attrs.targetNamespace as string] as string;
  const qualify = (ref: string): string => {
    const [prefix, local] = ref.split(':') as [string, string];
    return `${prefixes[prefix] ?? prefix}:${local}`;
  };
  const types: Record<string, XsdType> = {};
  let current: { name: string; type: XsdType; nestedChoice: boolean } | undefined;
  let field: XsdField | undefined;
  let choiceDepth = 0;
  for (const tag of all) {
    const local = tag.name.replace(/^xsd:/, '');
    if (tag.closing) {
      if (local === 'complexType' || local === 'simpleType') {
        if (current) types[current.name] = current.type;
        current = undefined;
      }
      if (local === 'element') field = undefined;
      if (local === 'choice') choiceDepth -= 1;
      continue;
    }
    if (local === 'complexType' && tag.attrs.name) current = { name: `${target}:${tag.attrs.name}`, type: { kind: 'sequence', fields: [] }, nestedChoice: false };
    else if (local === 'simpleType' && tag.attrs.name) current = { name: `${target}:${tag.attrs.name}`, type: { kind: 'enum', values: [] }, nestedChoice: false };
    if (!current) continue;
    const type = current.type;
    if (local === 'choice' && type.kind !== 'enum') {
      choiceDepth += 1;
      if (type.fields.length === 0 && choiceDepth === 1 && !tag.selfClosing) type.kind = 'choice';
      if (type.fields.length > 0) current.nestedChoice = true;
    } else if (local === 'element' && type.kind !== 'enum') {
      const f: XsdField = {
        name: tag.attrs.name as string,
        type: qualify(tag.attrs.type as string),
        min: tag.attrs.minOccurs === '0' || current.nestedChoice ? 0 : 1,
        max: tag.attrs.maxOccurs === 'unbounded' ? 'unbounded' : 1,
      };
      type.fields.push(f);
      if (!tag.selfClosing) field = f;
    } else if (local === 'attribute' && type.kind !== 'enum') {
      (type.attributes ??= []).push({ name: tag.attrs.name as string, type: qualify(tag.attrs.type as string), min: tag.attrs.use === 'required' ? 1 : 0, max: 1 });
    } else if (local === 'enumeration') {
      if (field) (field.enum ??= []).push(tag.attrs.value as string);
      else if (type.kind === 'enum') type.values.push(tag.attrs.value as string);
    }
  }
  return types;
}

/** FEDD_XSD holds every type of fedd_types.xsd and topdl.xsd. */
export const FEDD_XSD: Record<string, XsdType> = { ...readXsd('fedd_types.xsd'), ...readXsd('topdl.xsd') };

/** wsdlParts maps each WSDL message part (`RequestAccessRequestBody`, …) to its type. */
export function wsdlParts(): Record<string, string> {
  const parts: Record<string, string> = {};
  for (const tag of tags(readFileSync(join(FIXTURES, 'fedd.wsdl'), 'utf8'))) {
    if (tag.name === 'part' && tag.attrs.name && tag.attrs.type) parts[tag.attrs.name] = `fedd:${tag.attrs.type.split(':')[1]}`;
  }
  return parts;
}

/** conformance lists how an XML-RPC value breaks XSD type `type` (empty: it conforms). */
export function conformance(value: XmlRpcValue | undefined, type: string, path = '$'): string[] {
  const problems: string[] = [];
  check(value, type, undefined, path, problems);
  return problems;
}

const SCALARS: Record<string, (v: XmlRpcValue) => boolean> = {
  'xsd:string': (v) => typeof v === 'string',
  'xsd:boolean': (v) => typeof v === 'boolean',
  'xsd:double': (v) => typeof v === 'number',
  'xsd:float': (v) => typeof v === 'number',
  'xsd:int': (v) => Number.isInteger(v),
  'xsd:base64Binary': (v) => Buffer.isBuffer(v),
  'xsd:dateTime': (v) => v instanceof Date,
};

function check(value: XmlRpcValue | undefined, type: string, allowed: string[] | undefined, path: string, problems: string[]): void {
  if (value === undefined || value === null) return void problems.push(`${path}: nil`);
  const scalar = SCALARS[type];
  if (scalar) {
    if (!scalar(value)) problems.push(`${path}: not ${type}`);
    else if (allowed && !allowed.includes(String(value))) problems.push(`${path}: ${String(value)} not in enumeration`);
    return;
  }
  const spec = FEDD_XSD[type];
  if (!spec) return void problems.push(`${path}: type ${type} not in the XSDs`);
  if (spec.kind === 'enum') {
    if (!spec.values.includes(value as string)) problems.push(`${path}: ${String(value)} not in ${type}`);
    return;
  }
  if (!isStruct(value)) return void problems.push(`${path}: not a struct`);
  const fields = [...spec.fields, ...(spec.attributes ?? [])];
  for (const key of Object.keys(value)) if (!fields.some((f) => f.name === key)) problems.push(`${path}: ${key} is not an element of ${type}`);
  const present = spec.fields.filter((f) => value[f.name] !== undefined);
  if (spec.kind === 'choice' && present.length !== 1) problems.push(`${path}: choice of ${type} has ${present.length} members`);
  if (spec.kind === 'sequence') for (const f of spec.fields) if (f.min === 1 && value[f.name] === undefined) problems.push(`${path}: ${f.name} missing`);
  for (const f of fields) {
    const v = value[f.name];
    if (v === undefined) continue;
    if (f.max === 1) {
      if (Array.isArray(v)) problems.push(`${path}.${f.name}: array for a single element`);
      else check(v, f.type, f.enum, `${path}.${f.name}`, problems);
    } else if (!Array.isArray(v)) problems.push(`${path}.${f.name}: not an array`);
    else v.forEach((item, i) => check(item, f.type, f.enum, `${path}.${f.name}[${i}]`, problems));
  }
}
