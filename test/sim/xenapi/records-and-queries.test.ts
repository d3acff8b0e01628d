/**
 * The implicit class messages (xenapi.md §2, §7.7): complete records, getters and setters, map and
 * set modifiers, name lookups and get_all_records_where with xapi's filter language.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_UUIDS } from '../../../src/backends/xenapi/sim/index.js';
import { startTestXen, type TestXen } from './helpers.js';

let xen: TestXen;
let web: string;
beforeAll(async () => {
  xen = await startTestXen();
  const c = xen.client;
  web = String(await c.call('VM.clone', await c.ref('VM', SEED_UUIDS.templateDebianLocal), 'web-0'));
  await c.call('VM.provision', web);
  await c.call('VM.add_to_other_config', web, 'converge.key', 'Infrastructure/web/vm/web-0');
  await c.call('VM.add_tags', web, 'converge');
});
afterAll(async () => xen.close());

describe('records', () => {
  it('returns every field of a VM record, with the fields Python tools read by key', async () => {
    const rec = await xen.client.record('VM', web);
    for (const field of [
      'power_state', 'VBDs', 'VIFs', 'affinity', 'guest_metrics', 'memory_static_min', 'memory_static_max', 'memory_dynamic_max',
      'VCPUs_at_startup', 'VCPUs_max', 'platform', 'other_config', 'xenstore_data', 'is_a_template', 'is_a_snapshot', 'domid',
      'domain_type', 'HVM_boot_params', 'blocked_operations', 'allowed_operations', 'current_operations', 'metrics', 'snapshot_time',
    ]) {
      expect(rec).toHaveProperty(field);
    }
    expect(Object.keys(rec).length).toBeGreaterThan(85);
  });

  it('keeps back-references consistent', async () => {
    const c = xen.client;
    const [vbd] = (await c.call('VM.get_VBDs', web)) as string[];
    const vdi = String(await c.call('VBD.get_VDI', String(vbd)));
    expect(await c.call('VDI.get_VBDs', vdi)).toEqual([vbd]);
    expect(await c.call('SR.get_VDIs', await c.ref('SR', SEED_UUIDS.localSr))).toContain(vdi);
    const host = await c.ref('host', SEED_UUIDS.host);
    expect(await c.call('host.get_PIFs', host)).toEqual([await c.ref('PIF', SEED_UUIDS.pif)]);
    expect(await c.call('host.get_control_domain', host)).toBe(await c.ref('VM', SEED_UUIDS.dom0));
    expect(await c.call('pool.get_default_SR', (await c.call('pool.get_all') as string[])[0] ?? '')).toBe(await c.ref('SR', SEED_UUIDS.localSr));
  });
});

describe('getters, setters and modifiers', () => {
  it('sets RW fields and refuses constructor-only ones', async () => {
    const c = xen.client;
    await c.call('VM.set_name_description', web, 'front end');
    expect(await c.call('VM.get_name_description', web)).toBe('front end');
    expect(await c.fail('VM.set_power_state', web, 'Running')).toEqual(['MESSAGE_METHOD_UNKNOWN', 'VM.set_power_state']);
    expect(await c.fail('VM.set_affinity', web, 'OpaqueRef:nohost')).toEqual(['HANDLE_INVALID', 'host', 'OpaqueRef:nohost']);
  });

  it('adds map keys once: MAP_DUPLICATE_KEY [Class, field, ref, key], remove is a no-op when missing', async () => {
    const c = xen.client;
    expect(await c.fail('VM.add_to_other_config', web, 'converge.key', 'other')).toEqual(['MAP_DUPLICATE_KEY', 'VM', 'other_config', web, 'converge.key']);
    expect(await c.call('VM.remove_from_other_config', web, 'absent')).toBe('');
    await c.call('VM.remove_from_other_config', web, 'folder');
    await c.call('VM.add_to_other_config', web, 'folder', '/apps');
    expect(await c.call('VM.get_other_config', web)).toMatchObject({ folder: '/apps' });
  });

  it('treats tags as a set', async () => {
    const c = xen.client;
    await c.call('VM.add_tags', web, 'converge');
    await c.call('VM.add_tags', web, 'prod');
    await c.call('VM.remove_tags', web, 'absent');
    expect(await c.call('VM.get_tags', web)).toEqual(['converge', 'prod']);
  });

  it('finds by name label (labels are not unique) and by uuid', async () => {
    const c = xen.client;
    const twin = String(await c.call('VM.clone', await c.ref('VM', SEED_UUIDS.templateOther), 'web-0'));
    expect(((await c.call('VM.get_by_name_label', 'web-0')) as string[]).sort()).toEqual([web, twin].sort());
    expect(await c.call('VM.get_by_uuid', await c.call('VM.get_uuid', twin))).toBe(twin);
    await c.call('VM.destroy', twin);
  });
});

describe('get_all_records_where', () => {
  const rows: Array<{ reason: string; expr: string; expect: (refs: string[], web: string) => void }> = [
    { reason: 'a namespaced column (name__label)', expr: 'field "name__label" = "web-0"', expect: (r, w) => expect(r).toEqual([w]) },
    { reason: 'the API spelling of the column', expr: 'field "name_label" = "web-0"', expect: (r, w) => expect(r).toEqual([w]) },
    { reason: 'a bool as "true"', expr: 'field "is_control_domain" = "true"', expect: (r) => expect(r).toHaveLength(1) },
    { reason: 'literal on the left', expr: '"true" = field "is_a_template"', expect: (r) => expect(r).toHaveLength(3) },
    { reason: 'and binds tighter than or', expr: 'field "is_a_template" = "true" and field "is_default_template" = "false" or field "name__label" = "web-0"', expect: (r) => expect(r).toHaveLength(2) },
    { reason: 'not and parentheses', expr: 'not (field "is_a_template" = "true" or field "is_control_domain" = "true")', expect: (r, w) => expect(r).toEqual([w]) },
    { reason: 'true matches everything', expr: 'true', expect: (r) => expect(r.length).toBeGreaterThanOrEqual(5) },
    { reason: 'a map compares in its stored s-expression form', expr: 'field "tags" = "(\'converge\' \'prod\')"', expect: (r, w) => expect(r).toEqual([w]) },
    { reason: 'an int compares as decimal', expr: 'field "domid" = "0"', expect: (r) => expect(r).toHaveLength(1) },
  ];
  it.each(rows)('supports $reason', async ({ expr, expect: check }) => {
    const records = (await xen.client.call('VM.get_all_records_where', expr)) as Record<string, unknown>;
    check(Object.keys(records), web);
    expect(((await xen.client.call('VM.get_all_where', expr)) as string[]).sort()).toEqual(Object.keys(records).sort());
  });

  const bad: Array<{ reason: string; expr: string }> = [
    { reason: 'an unterminated literal', expr: 'field "name__label" = "web' },
    { reason: 'a bare word', expr: 'name__label = "x"' },
    { reason: 'an unknown column', expr: 'field "colour" = "red"' },
    { reason: 'a missing right-hand side', expr: 'field "name__label" =' },
  ];
  it.each(bad)('answers INTERNAL_ERROR for $reason', async ({ expr }) => {
    expect((await xen.client.fail('VM.get_all_records_where', expr))[0]).toBe('INTERNAL_ERROR');
  });
});
