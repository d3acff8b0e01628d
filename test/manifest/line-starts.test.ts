/**
 * LineStarts stands in for yaml's LineCounter where the loader builds line starts itself (so that
 * `yaml` need not be loaded); it must place every offset on the same line and column.
 */
import { describe, expect, it } from 'vitest';
import { LineCounter, parseAllDocuments } from 'yaml';
import { LineStarts } from '../../src/manifest/line-starts.js';

describe('LineStarts', () => {
  it("gives yaml's LineCounter positions for every offset of a text", () => {
    const text = 'a: 1\n\n  b: [x,\n y]\n# c\nd: |\n  e\n\nf: g';
    const reference = new LineCounter();
    parseAllDocuments(text, { lineCounter: reference });
    const ours = new LineStarts();
    ours.addNewLine(0);
    for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) ours.addNewLine(at + 1);
    expect(ours.lineStarts).toEqual(reference.lineStarts);
    for (let offset = -1; offset <= text.length + 2; offset += 1) expect([offset, ours.linePos(offset)]).toEqual([offset, reference.linePos(offset)]);
    expect(new LineStarts().linePos(5)).toEqual(new LineCounter().linePos(5));
  });
});
