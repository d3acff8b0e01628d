import { afterEach, describe, expect, it } from 'vitest';
import { encodeCall } from '../../../src/xmlrpc/codec.js';
import { SEED_UUIDS } from '../../../src/backends/xenapi/sim/index.js';
import { rawPost, startTestXen, type TestXen } from './helpers.js';

let xen: TestXen | undefined;
afterEach(async () => {
  await xen?.close();
  xen = undefined;
});

/** listText is the raw reply of VM.get_all_records, as the wire carries it. */
async function listText(x: TestXen): Promise<string> {
  return (await rawPost(x.url, encodeCall('VM.get_all_records', [x.client.session]))).text;
}

describe('XenAPI simulator, printed records reused while unchanged', () => {
  it('answers a list again with the same bytes, and with the new values once the row changed or went', async () => {
    xen = await startTestXen();
    const { client } = xen;
    await client.login();
    const first = await listText(xen);
    expect(await listText(xen)).toBe(first);

    const template = await client.ref('VM', SEED_UUIDS.templateDebian);
    const vm = String(await client.call('VM.clone', template, 'printed-once'));
    const afterClone = await listText(xen);
    expect(afterClone).toContain('<value>printed-once</value>');

    await client.call('VM.set_name_label', vm, 'renamed-once');
    await client.call('VM.add_to_other_config', vm, 'printed', 'again');
    const afterChange = await listText(xen);
    expect(afterChange).not.toContain('<value>printed-once</value>');
    expect(afterChange).toContain('<value>renamed-once</value>');
    // The record as get_record prints it now (cached) against its fields read one by one (never cached).
    const record = await client.record('VM', vm);
    expect(record.name_label).toBe('renamed-once');
    expect(record.other_config).toEqual(await client.call('VM.get_other_config', vm));
    expect(await client.call('VM.get_VBDs', vm)).toEqual(record.VBDs);
    expect(await client.call('VM.get_allowed_operations', vm)).toEqual(record.allowed_operations);

    await client.call('VM.destroy', vm);
    expect(await listText(xen)).not.toContain('renamed-once');
  });
});
