import { describe, expect, it } from 'vitest';
import { newIntentId } from '../../src/state/intent-id.js';

describe('newIntentId', () => {
  it('gives ids that are unique, sort in creation order and end in 8 random hex digits, across refills of the random pool', () => {
    const ids = Array.from({ length: 5000 }, () => newIntentId(1_700_000_000_000));
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    for (const id of ids) expect(id).toMatch(/^[0-9a-z]{9}-[0-9a-z]{5}-[0-9a-f]{8}$/);
    expect(new Set(ids.map((id) => id.slice(-8))).size).toBeGreaterThan(4990);
  });
});
