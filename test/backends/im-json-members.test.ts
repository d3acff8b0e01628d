/**
 * The export read parses only `radl` and `vm_list` (json-members.ts finds them): the spans it
 * gives must be exactly what JSON.parse of the whole text gives, member by member, and anything
 * it does not recognise must go back to whole-text parsing (same outcome as before). Also the
 * memory contract of ImApi: the decoded reply array is emptied once read, and the export
 * resolves with the reduced record, never the text (im-api.ts, #call).
 */
import { describe, expect, it } from 'vitest';
import { jsonMembers } from '../../src/backends/im/json-members.js';
import { parseExport } from '../../src/backends/im/im-export.js';
import { ImApi } from '../../src/backends/im/im-api.js';
import type { XmlRpcClient } from '../../src/xmlrpc/client.js';

/** membersByParse: what JSON.parse says each member is (the reference). */
function viaSpans(text: string): Record<string, unknown> | undefined {
  const spans = jsonMembers(text);
  if (!spans) return undefined;
  return Object.fromEntries([...spans].map(([name, { start, end }]) => [name, JSON.parse(text.slice(start, end))]));
}

const TRICKY = {
  id: 'inf-1',
  quote: 'say "hi" \\ and \\"',
  backslashEnd: 'ends with a backslash \\',
  nested: { a: [1, 2, { b: '}]"[{' }], c: null },
  list: [[], {}, '', 'x'],
  nums: [-1.5e3, 0, 12],
  flags: [true, false, null],
  unicode: 'café ☃ \u2028 \u0000',
  sim_state: JSON.stringify({ deep: { radl: 'not this one', vm_list: ['nor this'] }, q: 'a "b" \\c' }),
  radl: "system node (\ncpu.count >= 1 and\nnet_interface.0.connection = 'net'\n)",
  vm_list: [JSON.stringify({ im_id: 0, destroy: false, info: 'x' }), { im_id: 1, destroy: true, info: 'y' }],
};

describe('jsonMembers', () => {
  it('gives exactly the members JSON.parse gives, compact and Python-spaced', () => {
    const compact = JSON.stringify(TRICKY);
    const spaced = JSON.stringify(TRICKY, null, 1).replace(/\n\s*/g, ' '); // json.dumps style ", " and ": "
    const pretty = JSON.stringify(TRICKY, null, '\t');
    for (const text of [compact, spaced, pretty, `  \n${compact}\r\n `]) expect(viaSpans(text)).toEqual(JSON.parse(text));
  });

  it('decodes escaped member names, and a repeated name takes its last value, as JSON.parse', () => {
    const text = '{"r\\u0061dl": "first", "a\\"b": 1, "radl": "last"}';
    expect(viaSpans(text)).toEqual(JSON.parse(text));
    expect(viaSpans(text)!.radl).toBe('last');
    expect(viaSpans('{}')).toEqual({});
  });

  it('does not recognise what is not one JSON object', () => {
    for (const bad of ['', 'not json', '[1]', '"s"', '{"a": 1', '{"a": "unterminated}', '{"a": [1, 2}', '{"a": {"b": 1]}', '{"a": 1} x', '{"a" 1}', '{"a": 1,}', '{a: 1}', '{"a": }']) {
      expect(jsonMembers(bad)).toBeUndefined();
    }
  });
});

describe('parseExport reads only radl and vm_list', () => {
  /** reference: the previous implementation, whole-text JSON.parse. */
  function reference(text: string): { radl: string; vmInfo: Map<number, string> } | undefined {
    let outer: Record<string, unknown>;
    try {
      outer = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return undefined;
    }
    if (typeof outer !== 'object' || outer === null || Array.isArray(outer) || typeof outer.radl !== 'string' || !Array.isArray(outer.vm_list)) return undefined;
    const vmInfo = new Map<number, string>();
    for (const entry of outer.vm_list as unknown[]) {
      const vm = (typeof entry === 'string' ? JSON.parse(entry) : entry) as Record<string, unknown>;
      if (typeof vm?.im_id !== 'number' || !Number.isInteger(vm.im_id)) return undefined;
      if (vm.destroy === true) continue;
      if (typeof vm.info === 'string') vmInfo.set(vm.im_id, vm.info);
    }
    return { radl: outer.radl, vmInfo };
  }

  it('agrees with whole-text parsing on IM and simulator shapes, and on refused ones', () => {
    const texts = [
      JSON.stringify(TRICKY),
      JSON.stringify({ ...TRICKY, radl: 'second', extra: { radl: 'inner' } }),
      JSON.stringify({ vm_list: [], radl: '' }),
      JSON.stringify({ radl: 'x' }),
      JSON.stringify({ radl: 3, vm_list: [] }),
      JSON.stringify({ radl: 'x', vm_list: [{ info: 'no id' }] }),
      JSON.stringify({ radl: 'x', vm_list: [{ im_id: 1.5, info: 'y' }] }),
      '{"radl": "x", "vm_list": [], "radl": "y"}',
      'not json',
      '[]',
    ];
    for (const text of texts) expect(parseExport(text)).toEqual(reference(text));
  });
});

describe('ImApi keeps no reply reachable from the call', () => {
  it('empties the reply envelope and resolves the export with the reduced record, not the text', async () => {
    const replies: unknown[][] = [];
    const client = {
      call: async () => {
        const reply = [true, JSON.stringify(TRICKY)];
        replies.push(reply);
        return reply;
      },
    } as unknown as XmlRpcClient;
    const api = new ImApi(client, { auth: () => [], onRetry: () => undefined, mutateTimeoutMs: 1000 });
    const exported = await api.exportInfrastructure('inf-1', new AbortController().signal);
    expect(exported).toEqual({ radl: TRICKY.radl, vmInfo: new Map([[0, 'x']]) });
    expect(replies).toHaveLength(1);
    expect(replies[0]).toEqual([]); // the decoded envelope no longer points to the text
  });
});
