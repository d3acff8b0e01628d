/** The comparison table and the critical-path derivation, on fixed data (no process, no server). */
import { describe, expect, it } from 'vitest';
import { formatComparison, referenceCell, type CompareRow } from '../../bench/compare-table.js';
import { criticalPath, latencyBoundMs, perPassCalls } from '../../bench/critical-path.js';
import type { PassFigures } from '../../bench/harness-types.js';

const pass = (wallMs: number, calls: Record<string, number>, n = 1000): PassFigures => ({ wallMs, cpuMs: n * 2, calls, peakRssMB: 150, outcome: 'converged', mutatingCalls: 0, n });

describe('comparison table', () => {
  it('labels the reference Terraform figures as such when terraform is absent, and computes ratios against them', () => {
    const rows: CompareRow[] = [
      { work: 'create', n: 1000, terraform: referenceCell('create', 1000)!, im: pass(5100, { CreateInfrastructure: 1000 }) },
      { work: 'no-op', n: 1000, terraform: referenceCell('no-op', 1000)!, im: pass(388, { GetVMInfo: 4001 }), xen: pass(600, { a: 6 }) },
    ];
    const lines = formatComparison(rows, { kind: 'reference' });
    expect(lines[0]).toBe('| work | Terraform (reference, issue 13) | converge IM | converge XenAPI |');
    expect(lines).toContain('| create 1,000 | 10.2 s | 5.10 s | — |');
    expect(lines).toContain('| no-op 1,000 | 1.94 s | 0.39 s (4,001 calls) | 0.60 s (6 calls) |');
    expect(lines).toContain('| create 1,000 | 2.0× | — |');
    expect(lines).toContain('| no-op 1,000 | 5.0× | 3.2× |');
    expect(lines.join('\n')).toContain('goal 2: IM no-op over 1,000 at least 5× faster than Terraform\'s no-op plan over 1,000: 5.0× (met, against the reference figure)');
    expect(lines.join('\n')).toContain('REFERENCE figures from issue 13 (Terraform 1.11');
  });

  it('has no reference figure for counts the issue did not measure', () => {
    expect(referenceCell('create', 100)).toBeUndefined();
    expect(referenceCell('no-op', 5000)).toEqual({ wallMs: 24_200 });
  });
});

describe('critical path from a call log', () => {
  it('counts the longest chain of calls that did not overlap; calls side by side count once', () => {
    // list (0–20), then create (20–41), then three reads side by side (41–61), then one more read (62–82).
    const log = [
      { method: 'List', at: 20, durationMs: 20 },
      { method: 'Create', at: 41, durationMs: 21 },
      { method: 'ReadA', at: 61, durationMs: 20 },
      { method: 'ReadB', at: 62, durationMs: 20 },
      { method: 'ReadC', at: 61, durationMs: 19 },
      { method: 'ReadD', at: 82, durationMs: 20 },
    ];
    const path = criticalPath(log);
    expect(path.calls).toEqual(['List', 'Create', 'ReadA', 'ReadD']);
    expect(path.totalCalls).toBe(6);
    expect(latencyBoundMs(1000, 16, path.calls.length, 20)).toBe(63 * 4 * 20);
  });

  it('leaves out the pass\'s own calls (by the counts over one and two objects) at the ends of the chain, not in its middle', () => {
    const log = [
      { method: 'login', at: 20, durationMs: 20 },
      { method: 'List', at: 40, durationMs: 20 },
      { method: 'Create', at: 60, durationMs: 20 },
      { method: 'event.from', at: 80, durationMs: 20 },
      { method: 'Start', at: 100, durationMs: 20 },
      { method: 'List', at: 120, durationMs: 20 },
    ];
    // List: 3 calls over one object, 4 over two: one is the object's (the middle one here), two the pass's.
    const log2 = [...log.slice(0, 4), { method: 'List', at: 100, durationMs: 20 }, { method: 'Start', at: 120, durationMs: 20 }, { method: 'List', at: 140, durationMs: 20 }];
    const perPass = perPassCalls({ login: 1, List: 3, Create: 1, 'event.from': 1, Start: 1 }, { login: 1, List: 4, Create: 2, 'event.from': 1, Start: 2 });
    expect(perPass).toEqual({ login: 1, List: 2, 'event.from': 1 });
    expect(criticalPath(log2, perPass)).toMatchObject({ prologue: ['login', 'List'], calls: ['Create', 'event.from', 'List', 'Start'], epilogue: ['List'] });
  });
});
