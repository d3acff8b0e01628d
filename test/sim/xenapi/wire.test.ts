/**
 * The wire as xapi speaks it (xenapi.md §1, §7.1–§7.6): compact XML byte for byte, the
 * Status/Value/ErrorDescription envelope, xapi's input tolerance and strictness, and the
 * dispatcher's errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCall } from '../../../src/xmlrpc/codec.js';
import { SEED_UUIDS } from '../../../src/backends/xenapi/sim/index.js';
import { formatDouble } from '../../../src/backends/xenapi/sim/wire/compact-xml.js';
import { rawCall, rawPost, startTestXen, type TestXen } from './helpers.js';

const REF = 'OpaqueRef:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const success = (inner: string): RegExp =>
  new RegExp(
    `^<\\?xml version="1\\.0"\\?><methodResponse><params><param><value><struct><member><name>Status</name><value>Success</value></member>` +
      `<member><name>Value</name>${inner}</member></struct></value></param></params></methodResponse>$`,
  );

let xen: TestXen;
let session: string;
let template: string;
beforeAll(async () => {
  xen = await startTestXen();
  session = xen.client.session;
  template = await xen.client.ref('VM', SEED_UUIDS.templateDebian);
});
afterAll(async () => xen.close());

const post = (method: string, ...params: Parameters<typeof encodeCall>[1]) => rawPost(xen.url, encodeCall(method, params));

describe('compact XML replies', () => {
  it('prints a ref result bare, one line, content-type exactly text/xml', async () => {
    const reply = await rawPost(xen.url, encodeCall('session.login_with_password', ['root', 'xenroot']));
    expect(reply.status).toBe(200);
    expect(reply.contentType).toBe('text/xml');
    expect(reply.text).toMatch(success(`<value>${REF}</value>`));
  });

  it('prints a Failure with its parameters as a string array', async () => {
    const reply = await post('VM.start', session, template, false, false);
    expect(reply.text).toBe(
      '<?xml version="1.0"?><methodResponse><params><param><value><struct><member><name>Status</name><value>Failure</value></member>' +
        `<member><name>ErrorDescription</name><value><array><data><value>VM_IS_TEMPLATE</value><value>${template}</value>` +
        '<value>start</value></data></array></value></member></struct></value></param></params></methodResponse>',
    );
  });

  const rows: Array<{ reason: string; method: string; cls?: string; inner: string }> = [
    { reason: 'an int field is a bare decimal string', method: 'VM.get_memory_static_max', inner: '<value>1073741824</value>' },
    { reason: 'a negative int too', method: 'VM.get_domid', inner: '<value>-1</value>' },
    { reason: 'a bool is <boolean>1</boolean>', method: 'VM.get_is_a_template', inner: '<value><boolean>1</boolean></value>' },
    { reason: 'a float is a %.16g double', method: 'VM.get_HVM_shadow_multiplier', inner: '<value><double>1</double></value>' },
    { reason: 'an unset ref is OpaqueRef:NULL', method: 'VM.get_resident_on', inner: '<value>OpaqueRef:NULL</value>' },
    { reason: 'an unset datetime is 19700101T00:00:00Z', method: 'VM.get_snapshot_time', inner: '<value><dateTime.iso8601>19700101T00:00:00Z</dateTime.iso8601></value>' },
    { reason: 'an empty set is an empty array', method: 'VM.get_tags', inner: '<value><array><data></data></array></value>' },
    { reason: 'an empty map is an empty struct', method: 'VM.get_xenstore_data', inner: '<value><struct></struct></value>' },
    { reason: 'escapes <, > and & in strings', method: 'VM.get_recommendations', inner: '<value>&lt;restrictions&gt;&lt;restriction field=&quot;memory-static-max&quot; max=&quot;1649267441664&quot;/&gt;&lt;restriction field=&quot;vcpus-max&quot; max=&quot;32&quot;/&gt;&lt;/restrictions&gt;</value>' },
  ];
  it.each(rows)('$reason', async ({ method, inner }) => {
    const reply = await post(method, session, template);
    expect(reply.text).toMatch(success(inner.replace(/[.?*+^$()[\]{}|\\]/g, '\\$&')));
  });

  it('prints void as the empty value and a set datetime in basic format with Z', async () => {
    const vm = String(await xen.client.call('VM.clone', template, 'wire'));
    expect((await post('VM.set_name_description', session, vm, 'x')).text).toMatch(success('<value></value>'));
    const metrics = String(await xen.client.call('VM.get_metrics', vm));
    expect((await post('VM_metrics.get_install_time', session, metrics)).text).toMatch(
      success('<value><dateTime\\.iso8601>\\d{8}T\\d{2}:\\d{2}:\\d{2}Z</dateTime\\.iso8601></value>'),
    );
  });

  it('sends valid_ref_counts as <i4> and the token as %020d,%020d', async () => {
    const reply = await post('event.from', session, ['pool'], '', 0);
    expect(reply.text).toMatch(/<member><name>vm<\/name><value><i4>\d+<\/i4><\/value><\/member>/);
    expect(reply.text).toMatch(/<member><name>token<\/name><value>\d{20},0{20}<\/value><\/member>/);
    expect(reply.text).not.toMatch(/>\s+</);
  });

  it('answers system.listMethods with a bare array, without the envelope', async () => {
    const methods = (await rawCall(xen.url, 'system.listMethods')) as string[];
    expect(methods).toEqual(expect.arrayContaining(['VM.get_all_records', 'task.get_all_records', 'session.login_with_password', 'event.from']));
    expect(methods).not.toContain('session.get_all_records');
    expect(methods.some((m) => m.startsWith('Async.'))).toBe(false);
  });
});

describe('formatDouble prints like printf %.16g', () => {
  const rows: Array<{ reason: string; value: number; text: string }> = [
    { reason: 'integral values drop the point', value: 1, text: '1' },
    { reason: 'zero', value: 0, text: '0' },
    { reason: 'a short fraction', value: 0.25, text: '0.25' },
    { reason: 'xen-orchestra\'s event timeout', value: 60.1, text: '60.1' },
    { reason: 'rounding noise stays under 16 digits', value: 0.1 + 0.2, text: '0.3' },
    { reason: 'small values switch to an exponent below 1e-4', value: 0.00001, text: '1e-05' },
    { reason: 'large values switch to an exponent at 1e16', value: 1e16, text: '1e+16' },
    { reason: 'below 1e16 stays positional', value: 123456789012345, text: '123456789012345' },
  ];
  it.each(rows)('$reason', ({ value, text }) => expect(formatDouble(value)).toBe(text));
});

describe('input tolerance and strictness', () => {
  const call = (params: string): string =>
    `<?xml version="1.0"?>\n<methodCall>\n  <methodName>VM.set_VCPUs_max</methodName>\n  <params>\n` +
    `    <param><value><string>${session}</string></value></param>\n    <param><value>${'__VM__'}</value></param>\n${params}  </params>\n</methodCall>\n`;
  const rows: Array<{ reason: string; value: string; expected: string }> = [
    { reason: 'an int64 as <int>', value: '<int>2</int>', expected: 'Success' },
    { reason: 'an int64 as <i4>', value: '<i4>2</i4>', expected: 'Success' },
    { reason: 'an int64 as <i8>', value: '<i8>2</i8>', expected: 'Success' },
    { reason: 'an int64 as a decimal string, as Python and xen-orchestra send it', value: '<string>2</string>', expected: 'Success' },
    { reason: 'an int64 as bare text', value: '2', expected: 'Success' },
    { reason: 'a non-numeric string is a type error', value: 'two', expected: 'INTERNAL_ERROR' },
    { reason: 'a double is a type error for an int', value: '<double>2.5</double>', expected: 'INTERNAL_ERROR' },
  ];
  it.each(rows)('accepts $reason (pretty-printed request)', async ({ value, expected }) => {
    const vm = String(await xen.client.call('VM.clone', template, 'input'));
    const body = call(`    <param><value>${value}</value></param>\n`).replace('__VM__', vm);
    const reply = await rawPost(xen.url, body);
    expect(reply.text).toContain(expected === 'Success' ? '<value>Success</value>' : `<value>${expected}</value>`);
  });

  it('is strict on bool: the string "true" is a type error', async () => {
    expect((await xen.client.fail('VM.set_is_a_template', template, 'true' as never))[0]).toBe('INTERNAL_ERROR');
    expect(await xen.client.call('VM.set_is_a_template', template, true)).toBe('');
  });

  it('is strict on string: an int is a type error', async () => {
    expect((await xen.client.fail('VM.set_name_label', template, 5))[0]).toBe('INTERNAL_ERROR');
  });

  it('accepts a float as a double, an int or a numeric string', async () => {
    for (const timeout of [0.0001, 0, '0']) {
      expect(await xen.client.call('event.from', ['pool'], '', timeout)).toHaveProperty('token');
    }
  });
});

describe('HTTP surface', () => {
  const rows: Array<{ reason: string; path: string; body: string; status: number; contentType: string }> = [
    { reason: '/RPC2 is XML-RPC', path: '/RPC2', body: encodeCall('system.listMethods', []), status: 200, contentType: 'text/xml' },
    { reason: "xen-orchestra's /xmlrpc is XML-RPC", path: '/xmlrpc', body: encodeCall('system.listMethods', []), status: 200, contentType: 'text/xml' },
    { reason: 'malformed XML gets HTTP 500 with an HTML page', path: '/', body: '<methodCall><methodName>x', status: 500, contentType: 'text/html' },
    { reason: 'JSON-RPC on /jsonrpc gets 200 text/xml so auto transports fall back', path: '/jsonrpc', body: '{"jsonrpc":"2.0","method":"x","id":0}', status: 200, contentType: 'text/xml' },
  ];
  it.each(rows)('$reason', async ({ path, body, status, contentType }) => {
    const reply = await rawPost(xen.url, body, path);
    expect([reply.status, reply.contentType]).toEqual([status, contentType]);
  });
});

describe('dispatch errors', () => {
  const rows: Array<{ reason: string; method: string; params: () => Parameters<typeof encodeCall>[1]; expected: (string | RegExp)[] }> = [
    { reason: 'an unknown method', method: 'VM.explode', params: () => [session], expected: ['MESSAGE_METHOD_UNKNOWN', 'VM.explode'] },
    { reason: 'class names are case-sensitive', method: 'vm.get_all', params: () => [session], expected: ['MESSAGE_METHOD_UNKNOWN', 'vm.get_all'] },
    { reason: 'too few parameters (session excluded from the counts)', method: 'VM.start', params: () => [session, template, false], expected: ['MESSAGE_PARAMETER_COUNT_MISMATCH', 'VM.start', '3', '2'] },
    { reason: 'too many parameters', method: 'VM.get_record', params: () => [session, template, 'x'], expected: ['MESSAGE_PARAMETER_COUNT_MISMATCH', 'VM.get_record', '1', '2'] },
    { reason: 'no session at all counts -1', method: 'VM.get_all', params: () => [], expected: ['MESSAGE_PARAMETER_COUNT_MISMATCH', 'VM.get_all', '0', '-1'] },
    { reason: 'login with one parameter', method: 'session.login_with_password', params: () => ['root'], expected: ['MESSAGE_PARAMETER_COUNT_MISMATCH', 'session.login_with_password', '4', '1'] },
    { reason: 'a ref of nothing', method: 'VM.get_record', params: () => [session, 'OpaqueRef:nope'], expected: ['HANDLE_INVALID', 'VM', 'OpaqueRef:nope'] },
    { reason: 'an unknown uuid', method: 'SR.get_by_uuid', params: () => [session, 'no-such-uuid'], expected: ['UUID_INVALID', 'SR', 'no-such-uuid'] },
    { reason: 'Async of a getter', method: 'Async.VM.get_name_label', params: () => [session, template], expected: ['Fault', 'No async mode for this operation (rpc: Async.VM.get_name_label)'] },
    { reason: 'an unknown session', method: 'VM.get_all', params: () => ['OpaqueRef:stale'], expected: ['SESSION_INVALID', 'OpaqueRef:stale'] },
    { reason: 'a type error', method: 'VM.get_record', params: () => [session, 7], expected: ['INTERNAL_ERROR', /Runtime_error/] },
  ];
  it.each(rows)('$reason', async ({ method, params, expected }) => {
    const envelope = (await rawCall(xen.url, method, ...params())) as { Status: string; ErrorDescription: string[] };
    expect(envelope.Status).toBe('Failure');
    expect(envelope.ErrorDescription).toEqual(expected.map((e) => (typeof e === 'string' ? e : expect.stringMatching(e))));
  });

  it('accepts the VM_get_all underscore alias', async () => {
    expect(await xen.client.call('VM_get_all')).toEqual(await xen.client.call('VM.get_all'));
    expect(await xen.client.call('VM_metrics_get_all')).toEqual(await xen.client.call('VM_metrics.get_all'));
  });

  it('logs every call in the knobs call log', async () => {
    const seq = xen.sim.knobs.log.lastSeq;
    await xen.client.call('pool.get_all');
    expect(xen.sim.knobs.log.countByMethod(seq)).toEqual({ 'pool.get_all': 1 });
  });
});

describe('knobs and control methods', () => {
  it('injects a XenAPI Failure value through a `result` fault rule, printed compactly', async () => {
    await xen.client.control('converge.sim.injectFault', {
      method: 'VM.get_all',
      mode: 'result',
      result: { Status: 'Failure', ErrorDescription: ['HOST_OFFLINE', 'OpaqueRef:NULL'] },
    });
    const reply = await post('VM.get_all', session);
    expect(reply.text).toContain('<value><array><data><value>HOST_OFFLINE</value><value>OpaqueRef:NULL</value></data></array></value>');
    expect(await xen.client.call('VM.get_all')).toEqual(expect.arrayContaining([template]));
  });

  it('dumps counts and records per class', async () => {
    const dump = (await xen.client.control('converge.sim.xenapi.dump')) as { counts: Record<string, number>; classes: Record<string, Record<string, unknown>> };
    expect(dump.counts).toMatchObject({ pool: 1, host: 1, SR: 2, network: 1, PIF: 1 });
    expect(Object.keys(dump.classes.pool ?? {})).toHaveLength(1);
    expect(xen.sim.dump().host).toEqual(expect.any(Object));
  });

  it('answers an unknown control method with a fault', async () => {
    await expect(xen.client.control('converge.sim.xenapi.nope')).rejects.toThrow(/unknown control method/);
  });
});
