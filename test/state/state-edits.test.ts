import { describe, expect, it } from 'vitest';
import { keysUnder, refuseUnsettled, removeKeys, renameKeys } from '../../src/state/state-edits.js';
import type { Intent, StateSnapshot } from '../../src/state/types.js';
import { record } from './store-contract.js';

const snapshot: StateSnapshot = {
  formatVersion: 1,
  lineage: 'l',
  serial: 7,
  owner: 'o',
  objects: Object.fromEntries(['Infrastructure/web', 'Infrastructure/web2', 'Infrastructure/lab/vm/a-0', 'Infrastructure/lab/network/n', 'VesselSet/m'].map((k) => [k, record(k)])),
};

describe('state edits', () => {
  it('a key names itself and everything below it, never a sibling that only shares a prefix', () => {
    expect(keysUnder(snapshot, 'Infrastructure/web')).toEqual(['Infrastructure/web']);
    expect(keysUnder(snapshot, 'Infrastructure/lab')).toEqual(['Infrastructure/lab/network/n', 'Infrastructure/lab/vm/a-0']);
  });

  it('renames a resource with every key below it, keeping each record but its key', () => {
    const { snapshot: next, renamed } = renameKeys(snapshot, 'Infrastructure/lab', 'Infrastructure/lab2');
    expect(renamed).toEqual([
      ['Infrastructure/lab/network/n', 'Infrastructure/lab2/network/n'],
      ['Infrastructure/lab/vm/a-0', 'Infrastructure/lab2/vm/a-0'],
    ]);
    expect(next.objects['Infrastructure/lab2/vm/a-0']).toEqual({ ...snapshot.objects['Infrastructure/lab/vm/a-0'], key: 'Infrastructure/lab2/vm/a-0' });
    expect(Object.keys(next.objects)).toHaveLength(5);
    expect(next.serial).toBe(7);
  });

  const refusals: Array<{ reason: string; from: string; to: string; message: string }> = [
    { reason: 'nothing to move', from: 'Infrastructure/none', to: 'Infrastructure/x', message: 'state has no object Infrastructure/none' },
    { reason: 'the target is taken', from: 'Infrastructure/web', to: 'Infrastructure/web2', message: 'state already has Infrastructure/web2' },
    { reason: 'the kind would change', from: 'Infrastructure/web', to: 'Slice/web', message: 'the kind would change (Infrastructure → Slice)' },
    { reason: 'a move into itself', from: 'Infrastructure/lab', to: 'Infrastructure/lab/inner', message: 'one contains the other' },
  ];
  it.each(refusals)('refuses a rename when $reason (INVALID USAGE)', ({ from, to, message }) => {
    expect(() => renameKeys(snapshot, from, to)).toThrow(expect.objectContaining({ kind: 'INVALID', code: 'USAGE', message: expect.stringContaining(message) }));
  });

  it('removes a resource with every key below it', () => {
    const { snapshot: next, removed } = removeKeys(snapshot, 'Infrastructure/lab');
    expect(removed).toEqual(['Infrastructure/lab/network/n', 'Infrastructure/lab/vm/a-0']);
    expect(Object.keys(next.objects).sort()).toEqual(['Infrastructure/web', 'Infrastructure/web2', 'VesselSet/m']);
  });

  it('refuses to edit keys that an unsettled intent touches', () => {
    const intent = { key: 'VesselSet/m', method: 'acquire_resources', status: 'open' } as Intent;
    expect(() => refuseUnsettled([intent], ['VesselSet/m'])).toThrow(expect.objectContaining({ code: 'STATE_INTENTS_UNSETTLED' }));
    expect(() => refuseUnsettled([intent], ['Infrastructure/web'])).not.toThrow();
  });
});
