/**
 * Point 8 of issue 12: machine output is versioned and documented (docs/JSON.md). Each shape
 * (Validation, Diagnostics, Plan, Event, Report, Status, Output, Error) is produced by the CLI on
 * the embedded IM simulator and validated against its JSON Schema in schemas/output/ with ajv;
 * invalid-manifest diagnostics are the same objects under `plan --json` as under `validate --json`.
 */
import { cp, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { jsonLines, ROOT, runCli } from '../helpers/cli.js';

const SCHEMAS = join(ROOT, 'schemas', 'output');
const validators = new Map<string, ValidateFunction>();
let dir: string;

/** expectShape validates a document against the schema of its `kind`. */
function expectShape(doc: Record<string, unknown>, kind: string): void {
  expect(doc.kind).toBe(kind);
  expect(doc.apiVersion).toBe('converge.output/v1');
  const validate = validators.get(kind.toLowerCase())!;
  if (!validate(doc)) throw new Error(`${kind} does not match its schema: ${JSON.stringify(validate.errors, null, 2)}\n${JSON.stringify(doc).slice(0, 2000)}`);
}

beforeAll(async () => {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  // RFC 3339 date-time, as toISOString writes it (ajv-formats would be a dependency for one format).
  ajv.addFormat('date-time', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/);
  const files = (await readdir(SCHEMAS)).filter((f) => f.endsWith('.schema.json'));
  for (const file of files) ajv.addSchema(JSON.parse(await readFile(join(SCHEMAS, file), 'utf8')));
  for (const file of files) validators.set(file.replace('.schema.json', ''), ajv.getSchema(`https://converge.dev/schemas/output/${file}`)!);
  dir = join(await mkdtemp(join(tmpdir(), 'converge-json-')), 'manifests');
  await cp(join(ROOT, 'manifests', 'credentials'), join(dir, 'credentials'), { recursive: true });
  await cp(join(ROOT, 'manifests', 'backends.yaml'), join(dir, 'backends.yaml'));
  await cp(join(ROOT, 'manifests', 'web.yaml'), join(dir, 'web.yaml'));
});

describe('machine output shapes', () => {
  it('Validation, and Diagnostics: the same diagnostic objects under validate and plan', async () => {
    const valid = await runCli(['validate', dir, '--json']);
    expect(valid.code).toBe(0);
    expectShape(jsonLines(valid.stdout)[0]!, 'Validation');

    const broken = join(await mkdtemp(join(tmpdir(), 'converge-json-bad-')), 'manifests');
    await cp(dir, broken, { recursive: true });
    await writeFile(join(broken, 'web.yaml'), (await readFile(join(dir, 'web.yaml'), 'utf8')).replace('memory: 2Gi', 'memory: 2 gigs'));
    const validate = await runCli(['validate', broken, '--json']);
    expect(validate.code).toBe(4);
    const listed = jsonLines(validate.stdout)[0]!;
    expectShape(listed, 'Validation');
    const plan = await runCli(['plan', broken, '--json']);
    expect(plan.code).toBe(4);
    const diagnostics = jsonLines(plan.stdout)[0]!;
    expectShape(diagnostics, 'Diagnostics');
    expect(diagnostics.diagnostics).toEqual(listed.diagnostics);
    expect(diagnostics.diagnostics).toEqual([expect.objectContaining({ code: expect.any(String), line: expect.any(Number), file: expect.stringContaining('web.yaml') })]);
  });

  it('Plan, Event (each with a time), Report, Status, Output and Error', async () => {
    const plan = await runCli(['plan', dir, '--json']);
    expect(plan.code).toBe(2);
    expectShape(jsonLines(plan.stdout)[0]!, 'Plan');

    const run = await runCli(['reconcile', dir, '--json']);
    expect(run.code).toBe(0);
    const lines = jsonLines(run.stdout);
    const events = lines.filter((l) => l.kind === 'Event');
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['observed', 'action-start', 'action-done']));
    for (const event of events) expectShape(event, 'Event');
    expect(lines.at(-1)!.kind).toBe('Report');
    expectShape(lines.at(-1)!, 'Report');
    expect(lines.filter((l) => l.kind !== 'Event' && l.kind !== 'Report')).toEqual([]);

    const status = await runCli(['status', dir, '--json']);
    expect(status.code).toBe(0);
    expectShape(jsonLines(status.stdout)[0]!, 'Status');

    const output = await runCli(['output', dir, '--json']);
    expect(output.code).toBe(0);
    expectShape(jsonLines(output.stdout)[0]!, 'Output');

    const missing = await runCli(['output', dir, 'Infrastructure/none', '--json']);
    expect(missing.code).toBe(4);
    expectShape(jsonLines(missing.stdout)[0]!, 'Error');
    expect(missing.stderr).toContain('no object "Infrastructure/none"');
  });
});
