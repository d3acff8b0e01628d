/**
 * get_all_records_where over name equalities joined by `or` (what the driver's shared name reads
 * send: api/name-reads.ts) is answered from the simulator's name index; it must match exactly
 * what evaluating the expression row by row matches (the same expression with `and true`).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SEED_UUIDS } from '../../../src/backends/xenapi/sim/index.js';
import { startTestXen, type TestXen } from './helpers.js';

let xen: TestXen | undefined;
afterEach(async () => {
  await xen?.close();
  xen = undefined;
});

describe('XenAPI simulator, get_all_records_where by several names', () => {
  it('answers an `or` of names from the index exactly as the row-by-row scan does', async () => {
    xen = await startTestXen();
    const { client } = xen;
    await client.login();
    const template = await client.ref('VM', SEED_UUIDS.templateDebian);
    for (const name of ['alpha', 'alpha', 'beta', 'gamma']) await client.call('VM.clone', template, name);
    const keys = async (expr: string): Promise<string[]> => Object.keys((await client.call('VM.get_all_records_where', expr)) as Record<string, unknown>).sort();
    const exprs = [
      'field "name__label" = "alpha" or field "name__label" = "beta"',
      'field "name__label" = "alpha" or field "name__label" = "alpha" or "gamma" = field "name_label"',
      'field "name__label" = "nobody" or field "name__label" = "beta"',
      'field "name__label" = "nobody" or field "name__label" = "none"',
    ];
    const sizes: number[] = [];
    for (const expr of exprs) {
      const indexed = await keys(expr);
      expect(indexed).toEqual(await keys(`(${expr}) and true`));
      expect(new Set(indexed).size).toBe(indexed.length);
      sizes.push(indexed.length);
    }
    expect(sizes).toEqual([3, 3, 1, 0]);
  });
});
