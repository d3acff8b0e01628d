/**
 * pythonJson (the export's json.dumps layout) escapes past-ASCII characters once over the whole
 * text instead of string by string: the bytes must be those of the per-string printer it
 * replaced (kept here as the reference), for an export as the simulator prints it and for values
 * with past-ASCII text in keys and values, surrogate pairs, control characters and undefined.
 */
import { describe, expect, it } from 'vitest';
import { pythonJson } from '../../../src/backends/im/sim/methods/transfer.js';
import { AUTH, createInfra, ok, startTestSim, TRANSCRIPT_RADL } from './helpers.js';

/** referenceJson is the printer pythonJson replaced, verbatim. */
function referenceJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(referenceJson).join(', ')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value).map(([k, v]) => `${asciiJson(k)}: ${referenceJson(v)}`).join(', ')}}`;
  }
  if (typeof value === 'string') return asciiJson(value);
  return JSON.stringify(value);
}

function asciiJson(text: string): string {
  const json = JSON.stringify(text);
  if (!/[\u007f-\uffff]/.test(json)) return json;
  return json.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

describe('pythonJson', () => {
  it('prints the bytes of the per-string printer', () => {
    const values: unknown[] = [
      null,
      undefined,
      [],
      {},
      0,
      -1.5,
      1e21,
      Number.NaN,
      true,
      'plain',
      'café ☃ 😀 \u007f \u0000\n\t"\\',
      { 'clé é': ['ü', { x: undefined, y: null, z: [1, 'ß', false] }], '': '', n: 3.25 },
      [[[]], [{}], { a: { b: { c: 'd\u2028e' } } }],
      { lone: '\ud800x', mixed: 'ascii then 中文 then ascii' },
    ];
    for (const value of values) expect(pythonJson(value)).toBe(referenceJson(value));
  });

  it('prints a simulator export exactly as the per-string printer', async () => {
    const sim = await startTestSim();
    try {
      const inf = await createInfra(sim, TRANSCRIPT_RADL);
      const text = String(ok(await sim.call('ExportInfrastructure', inf, false, AUTH)));
      const { sim_state: _simState, ...members } = JSON.parse(text) as Record<string, unknown>;
      const withNonAscii = { ...members, cont_out: 'Contextualización: ✓ 完成' };
      for (const value of [members, withNonAscii]) expect(pythonJson(value)).toBe(referenceJson(value));
      // The printed export is IM's members as printed, then sim_state.
      expect(text.startsWith(pythonJson(members).slice(0, -1))).toBe(true);
    } finally {
      await sim.close();
    }
  });
});
