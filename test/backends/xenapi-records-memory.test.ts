import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { decodeResponse } from '../../src/xmlrpc/codec.js';
import { parseVm, recordMap } from '../../src/backends/xenapi/api/records.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** heldBytes counts the heap and the memory outside it: Node keeps a long decoded text as an external string. */
function heldBytes(): number {
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.external;
}

/** reply is a VM.get_all_records answer of `n` VMs, padded so that the text is large. */
function reply(n: number, k: number): string {
  const member = (name: string, value: string) => `<member><name>${name}</name><value>${value}</value></member>`;
  const vms = Array.from({ length: n }, (_, i) => {
    const ref = `OpaqueRef:${k}-00000000-0000-0000-0000-${String(i).padStart(12, '0')}`;
    const record = [
      member('uuid', `11111111-2222-3333-4444-${String(i).padStart(12, '0')}`),
      member('name_label', `bench-node-${i}-with-a-long-name`),
      member('power_state', 'Running'),
      member('name_description', 'x'.repeat(4000)),
      member('other_config', `<struct>${member('converge.key', `Infrastructure/bench/vm/node-${i}`)}${member('converge.owner', 'owner-0123456789')}</struct>`),
      member('VBDs', `<array><data><value>OpaqueRef:vbd-${i}-0000000000000000000000000</value></data></array>`),
    ].join('');
    return `<member><name>${ref}</name><value><struct>${record}</struct></value></member>`;
  });
  return `<?xml version="1.0"?><methodResponse><params><param><value><struct>${vms.join('')}</struct></value></param></params></methodResponse>`;
}

async function readRecords(body: Buffer): Promise<Map<string, ReturnType<typeof parseVm>>> {
  const decoded = await decodeResponse(body);
  if (!decoded.ok) throw new Error('fault');
  return recordMap('VM.get_all_records', decoded.value, parseVm);
}

describe('typed XenAPI records', () => {
  it('keep their strings without keeping the replies they were decoded from', async () => {
    gc();
    const before = heldBytes();
    const kept: Array<Map<string, ReturnType<typeof parseVm>>> = [];
    let replyBytes = 0;
    for (let k = 0; k < 8; k++) {
      const body = Buffer.from(reply(1000, k)); // about 4.3 MB of XML each
      replyBytes += body.length;
      kept.push(await readRecords(body));
    }
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    const held = heldBytes() - before;
    expect(kept[3]!.get('OpaqueRef:3-00000000-0000-0000-0000-000000000007')).toMatchObject({
      uuid: '11111111-2222-3333-4444-000000000007',
      nameLabel: 'bench-node-7-with-a-long-name',
      otherConfig: { 'converge.key': 'Infrastructure/bench/vm/node-7' },
      vbds: ['OpaqueRef:vbd-7-0000000000000000000000000'],
    });
    // The records' own strings are well under half of the replies; replies held through sliced
    // strings would be all of them.
    expect(held).toBeLessThan(replyBytes * 0.75);
  });
});
