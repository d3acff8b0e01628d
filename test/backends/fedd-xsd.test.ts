/**
 * Every message of a full run (create an experiment across three testbeds, scale it, delete it)
 * is checked against fedd's own interface definitions with a real XML Schema validator
 * (libxml2's, as xmllint-wasm): the requests converge sends and the answers of its exchange store
 * as the access controllers logged them, and the simulator's own messages too.
 *
 * fedd's messages travel as XML-RPC dicts; the XSDs describe the SOAP encoding of the same
 * structure. Each logged body is written as the XML element its WSDL part names (children in the
 * schema's order, unqualified as fedd_types.xsd declares them, cpuType's `count` as an attribute)
 * and validated against a wrapper schema declaring one element per WSDL part. Members the schema
 * does not know are reported before writing (the writer could not place them).
 *
 * The vendored XSDs (test/fixtures/fedd/README.md) do not compile as they are: fedd_types.xsd and
 * topdl.xsd use each other's types without importing each other, and three elements put an
 * <xsd:restriction> without a base directly inside <xsd:element type=…>. Both are repaired in
 * memory, mechanically (the imports added; the restriction wrapped in an anonymous simpleType,
 * with the element's `type` as its base),
 * without changing what any message may contain.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateXML } from 'xmllint-wasm';
import { isStruct, type XmlRpcValue } from '../../src/xmlrpc/value.js';
import type { RunningFeddSimulator } from '../../src/backends/fedd/sim/index.js';
import { FEDD_XSD, FIXTURES, wsdlParts, type XsdType } from '../sim/fedd/xsd.js';
import { reconcile } from '../helpers/engine.js';
import { experiment, feddBackend, identityFiles, startFedd, writeFiles } from '../helpers/fedd.js';

const NS = 'urn:converge:fedd-messages';

function repaired(xsd: string, importNamespace: string, importFile: string): string {
  const withImport = xsd.replace(/(<xsd:schema[^>]*>)/, `$1\n  <xsd:import namespace="${importNamespace}" schemaLocation="${importFile}"/>`);
  return withImport.replace(
    /<xsd:element ([^>]*?)\s*type="([^"]*)"([^>]*)>(\s*)<xsd:restriction>([\s\S]*?)<\/xsd:restriction>/g,
    '<xsd:element $1$3>$4<xsd:simpleType><xsd:restriction base="$2">$5</xsd:restriction></xsd:simpleType>',
  );
}

function wrapperSchema(parts: Record<string, string>): string {
  const elements = Object.entries(parts).map(([part, type]) => `  <xsd:element name="${part}" type="fedd:${type.split(':')[1]}"/>`);
  return (
    `<?xml version="1.0"?>\n<xsd:schema targetNamespace="${NS}" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:fedd="http://www.isi.edu/fedd_types">\n` +
    `  <xsd:import namespace="http://www.isi.edu/fedd_types" schemaLocation="fedd_types.xsd"/>\n  <xsd:import namespace="http://www.isi.edu/topdl" schemaLocation="topdl.xsd"/>\n` +
    `${elements.join('\n')}\n</xsd:schema>\n`
  );
}

const escape = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** toXml writes `value` as element `name` of XSD type `type`; members the type lacks go to `unknown`. */
function toXml(name: string, value: XmlRpcValue, type: string, unknown: string[], path: string): string {
  const spec: XsdType | undefined = FEDD_XSD[type];
  if (!spec || spec.kind === 'enum' || !isStruct(value)) return `<${name}>${escape(scalar(value))}</${name}>`;
  const fields = spec.fields;
  for (const key of Object.keys(value)) if (!fields.some((f) => f.name === key) && !spec.attributes?.some((a) => a.name === key)) unknown.push(`${path}.${key}`);
  const attributes = (spec.attributes ?? []).filter((a) => value[a.name] !== undefined).map((a) => ` ${a.name}="${escape(scalar(value[a.name]!))}"`);
  const children = fields.flatMap((f) => {
    const member = value[f.name];
    if (member === undefined) return [];
    const items = Array.isArray(member) && f.max !== 1 ? member : [member];
    return items.map((item, i) => toXml(f.name, item, f.type, unknown, `${path}.${f.name}[${i}]`));
  });
  return `<${name}${attributes.join('')}>${children.join('')}</${name}>`;
}

function scalar(value: XmlRpcValue): string {
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

describe('a full fedd run against fedd.wsdl, fedd_types.xsd and topdl.xsd', () => {
  let fedd: RunningFeddSimulator | undefined;
  afterAll(async () => fedd?.close());

  it('sends and answers only messages the schemas accept', async () => {
    fedd = await startFedd(['a', 'b', 'c']);
    const dir = await mkdtemp(join(tmpdir(), 'fedd-xsd-'));
    const body = (count: number): string =>
      '  networks:\n    - {name: lan, capacity: 1Gbps}\n    - {name: wan, capacity: 10Mbps, latency: 15ms, connection: ssh}\n    - {name: core, connection: transit}\n  systems:\n' +
      '    - {name: web, cpu: 1, memory: 1Gi, image: Ubuntu1804-64-STD, hardware: pc3000, startup: /bin/serve, testbed: a, interfaces: [lan, wan]}\n' +
      '    - {name: db, cpu: 1, memory: 1Gi, image: CentOS7-64-STD, testbed: b, failureAction: nonfatal, interfaces: [wan, core]}\n' +
      '    - {name: load, cpu: 1, memory: 1Gi, image: Ubuntu1604-64-STD, testbed: c, interfaces: [core]}\n' +
      `  deploy: {web: 1, db: 1, load: ${count}}\n` +
      '  services:\n    - {name: project_export, exporter: a, importers: [b, c], attributes: {project: converge}}\n';
    await writeFiles(dir, { ...identityFiles(fedd, fedd.client), 'backend.yaml': feddBackend(fedd), 'x.yaml': experiment('x', body(1)) });
    expect((await reconcile(dir)).outcome).toBe('converged');
    await writeFiles(dir, { 'x.yaml': experiment('x', body(3)) });
    expect((await reconcile(dir)).outcome).toBe('converged');
    await writeFiles(dir, { 'x.yaml': '# gone\n' });
    expect((await reconcile(dir, { prune: true })).outcome).toBe('converged');

    const parts = wsdlParts();
    const messages = fedd.sim.messages.since(0);
    const ops = new Set(messages.map((m) => `${m.direction} ${m.op}`));
    expect([...ops].sort()).toEqual(['in InfoSegment', 'in ReleaseAccess', 'in RequestAccess', 'in StartSegment', 'in TerminateSegment', 'out GetValue', 'out SetValue']);
    const unknown: string[] = [];
    const documents = messages.flatMap((m) =>
      [m.request, m.response].flatMap((wrapped, i) => {
        if (!isStruct(wrapped as XmlRpcValue)) return [];
        const [[part, value]] = Object.entries(wrapped as Record<string, XmlRpcValue>) as [[string, XmlRpcValue]];
        const type = parts[part];
        if (!type) {
          unknown.push(`message ${m.seq}: no WSDL part ${part}`);
          return [];
        }
        const xml = toXml(`m:${part}`, value, type, unknown, `${m.op}#${m.seq}`).replace(`<m:${part}`, `<m:${part} xmlns:m="${NS}"`);
        return [{ fileName: `m${m.seq}-${i}.xml`, contents: xml }];
      }),
    );
    expect(unknown).toEqual([]);
    expect(documents.length).toBeGreaterThan(40);
    const [types, topdl] = await Promise.all([readFile(join(FIXTURES, 'fedd_types.xsd'), 'utf8'), readFile(join(FIXTURES, 'topdl.xsd'), 'utf8')]);
    const validate = (xml: Array<{ fileName: string; contents: string }>) =>
      validateXML({
        xml,
        schema: [{ fileName: 'messages.xsd', contents: wrapperSchema(parts) }],
        preload: [
          { fileName: 'fedd_types.xsd', contents: repaired(types, 'http://www.isi.edu/topdl', 'topdl.xsd') },
          { fileName: 'topdl.xsd', contents: repaired(topdl, 'http://www.isi.edu/fedd_types', 'fedd_types.xsd') },
        ],
        maxMemoryPages: 4096,
      });
    const result = await validate(documents);
    expect(result.errors.map((e) => e.message).slice(0, 10)).toEqual([]);
    expect(result.valid).toBe(true);
    // The validator is not lax: a StartSegment with a connection type fedd does not know fails.
    const broken = documents.find((d) => d.contents.includes('<m:StartSegmentRequestBody') && d.contents.includes('<type>ssh</type>'))!;
    const control = await validate([{ fileName: 'broken.xml', contents: broken.contents.replace('<type>ssh</type>', '<type>tunnel</type>') }]);
    expect(control.valid).toBe(false);
  }, 60_000);
});
