/**
 * RADL parse errors must be byte-identical to radl 1.3.5 (PLY): the failing token as
 * `LexToken(TYPE,value,line,pos)` with a `Line N:` prefix, or `None` at the end of the input.
 */
import { describe, expect, it } from 'vitest';
import { parseRadl } from '../../../src/backends/im/sim/radl/parser.js';
import { printRadl } from '../../../src/backends/im/sim/radl/printer.js';

const rows: Array<{ reason: string; radl: string; error: string }> = [
  { reason: 'an unclosed system ends the input', radl: 'system node ( cpu.count >= 1 ', error: 'Parse error in: None' },
  { reason: 'JSON RADL is not accepted: [ { " are skipped, class is a VAR', radl: '[{"class": "system", "id": "node"}]', error: "Line 1: Parse error in: LexToken(VAR,'class',1,3)" },
  { reason: 'a sentence must start with a keyword', radl: 'network net\nfoo', error: "Line 2: Parse error in: LexToken(VAR,'foo',2,12)" },
  { reason: 'a description after another sentence is an error', radl: 'network n\ndescription d ( a = 1 )', error: "Line 2: Parse error in: LexToken(DESCRIPTION,'description',2,10)" },
  { reason: 'a description alone is not a RADL', radl: "description d ( a = 'x' )", error: 'Parse error in: None' },
  { reason: 'a closing parenthesis with none open fails in the lexer', radl: 'system node )', error: 'pop from empty list' },
  { reason: 'a number cannot follow a string value', radl: "system a ( b = 'x' 5 )", error: 'Line 1: Parse error in: LexToken(NUMBER,5,1,19)' },
  { reason: 'floats are printed as Python floats', radl: 'system a ( b = 1 2.50 )', error: 'Line 1: Parse error in: LexToken(NUMBER,2.5,1,17)' },
  { reason: 'two ands in a row', radl: 'system a ( b = 1 and and c = 2 )', error: "Line 1: Parse error in: LexToken(AND,'and',1,21)" },
  { reason: 'the unit is a VAR, so a second VAR is unexpected', radl: 'system a ( m = 5 g x )', error: "Line 1: Parse error in: LexToken(VAR,'x',1,19)" },
  { reason: 'deploy needs a count', radl: 'system a\ndeploy a b', error: "Line 2: Parse error in: LexToken(VAR,'b',2,18)" },
  { reason: 'string repr switches to double quotes around a quote', radl: "system a ( b = 'x' 'it\\'s' )", error: `Line 1: Parse error in: LexToken(STRING,"it's",1,19)` },
  { reason: 'a recipe needs at least one line', radl: 'configure c (\n@begin@end\n)', error: "Line 2: Parse error in: LexToken(RECIPE_END,'@end',2,20)" },
  { reason: 'an indented @end is a recipe line, so the recipe never ends', radl: 'configure c (\n@begin\n  @end\n)', error: 'Parse error in: None' },
  { reason: 'comments are skipped but still count lines', radl: '# one\n# two\nsystem a ( b = 1 ) )', error: 'pop from empty list' },
  { reason: 'options must come before contextualize items', radl: "system a\nconfigure c\ncontextualize ( system a configure c option x = 'y' )", error: "Line 3: Parse error in: LexToken(OPTION,'option',3,58)" },
  { reason: 'repeated system ids fail when the second is reduced', radl: 'system a\nsystem a\n', error: 'Aspect with the same id was found.' },
  { reason: 'a syntax error wins over a duplicate id behind it', radl: 'system a\nsystem a\nfoo', error: "Line 3: Parse error in: LexToken(VAR,'foo',3,18)" },
  { reason: 'disjoint numeric ranges', radl: 'system a ( cpu.count >= 4 and\n cpu.count <= 2 )', error: "Line 2: Disjoint intervals!. Involved features: ['cpu.count >= 4', 'None']" },
  { reason: 'conflicting strings', radl: "system a ( x = 'a' and x = 'b' )", error: "Line 1: Conflict adding `x = 'b'` because `x = 'a'` is already set and conflict is error" },
  { reason: 'only comments is no sentence at all', radl: '# nothing here', error: 'Parse error in: None' },
];

function errorOf(fn: () => unknown): string {
  try {
    fn();
    return 'no error';
  } catch (error) {
    return (error as Error).message;
  }
}

describe('RADL parse errors', () => {
  it.each(rows)('$reason', ({ radl, error }) => {
    expect(errorOf(() => parseRadl(radl))).toBe(error);
  });
});

describe('RADL lexing that succeeds', () => {
  it('reads every unit spelling and keeps it as written', () => {
    const doc = parseRadl('system a ( memory.size >= 512m and disk.0.size = 20GB and disk.1.size = 2Gi and x >= 512 M )');
    expect(printRadl(doc)).toBe('system a (\nmemory.size >= 512m and\ndisk.0.size = 20GB and\ndisk.1.size = 2Gi and\nx >= 512M\n)\n\n');
  });

  it('skips characters no rule knows at top level, and accepts a leading and', () => {
    const doc = parseRadl('= system a ( and b = 1 ) , deploy a 1');
    expect(doc.systems.map((s) => s.id)).toEqual(['a']);
    expect(doc.deploys[0]?.count.num).toBe(1);
  });

  it('unescapes \\\' in strings only', () => {
    const doc = parseRadl("system a ( b = 'it\\'s a \\n' )");
    expect(printRadl(doc)).toContain("b = 'it's a \\n'");
  });

  it('treats blank text as an empty document', () => {
    expect(printRadl(parseRadl('  \n '))).toBe('');
  });

  it('expands random(N) into N alphanumerics', () => {
    const doc = parseRadl("system a ( disk.0.os.credentials.new.password = 'random(8)' )");
    expect(printRadl(doc)).toMatch(/new\.password = '[A-Za-z0-9]{8}'/);
  });
});
