/**
 * The RADL reader's character scan (radl-tokens.ts) gives exactly the tokens of the regular
 * expression it replaced, kept here verbatim as the reference: on the simulator's RADL (stored
 * and VM RADL as an export carries them), on IM's own layouts (recipes, escapes, comments, soft
 * and contains groups) and on random text over RADL's characters and the edge cases of the
 * expression (unterminated strings and @begin, escapes before line ends, Unicode spaces).
 */
import { describe, expect, it } from 'vitest';
import { tokenize } from '../../src/backends/im/radl-tokens.js';
import { readRadl } from '../../src/backends/im/radl-read.js';
import { parseExport } from '../../src/backends/im/im-export.js';
import { AUTH, createInfra, ok, startTestSim, TRANSCRIPT_RADL } from '../sim/im/helpers.js';

type Token = { t: string; v: string };
const TOKEN = /\s+|#[^\n]*|@begin\n?([\s\S]*?)\n?@end|'((?:\\.|[^'\\])*)'|(\d+(?:\.\d+)?)|([a-zA-Z_.][\w.-]*)|(<=|>=|=|<|>)|([()[\],])/y;

/** referenceTokens is the tokenizer radl-tokens.ts replaced, verbatim. */
function referenceTokens(text: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(text);
    if (!m) {
      TOKEN.lastIndex = at + 1;
      continue;
    }
    if (m[1] !== undefined) tokens.push({ t: 'raw', v: m[1] });
    else if (m[2] !== undefined) tokens.push({ t: 'str', v: m[2].replace(/\\'/g, "'") });
    else if (m[3] !== undefined) tokens.push({ t: 'num', v: m[3] });
    else if (m[4] !== undefined) tokens.push({ t: 'id', v: m[4] });
    else if (m[5] !== undefined) tokens.push({ t: 'op', v: m[5] });
    else if (m[6] !== undefined) tokens.push({ t: 'punct', v: m[6] });
  }
  return tokens;
}

const SAMPLES = [
  `description converge (\nconverge.owner = 'o-1' and\nconverge.key = 'Infrastructure/web'\n)\nnetwork net ( outbound = 'yes' and outports = '22,80' )\nsystem node (\ncpu.arch = 'x86_64' and\ncpu.count >= 2 and\nmemory.size >= 1024m and\nnet_interface.0.connection = 'net' and\nnet_interface.0.ip = '10.0.0.1' and\ndisk.0.image.url = ['one://h/1','one://h/2'] and\ndisk.1.size = 1.5g and\nsoft 10 ( cpu.count >= 4 ) and\ndisk.0.applications contains (name = 'app' and version >= '1.0')\n)\n\nconfigure node (\n@begin\n- tasks:\n  - shell: echo '@end?' # not a comment\n@end\n)\ncontextualize (\nsystem node configure node step 1 with Ansible\n)\ndeploy node 2 cloud1\n`,
  "system a ( x = 'it\\'s' and y = 'a\\\\b' and z = 'multi\nline' ) # trailing comment",
  "configure c (@begin@end) configure d (\n@begin\n@end\n) configure e (@begin\n\nx\n\n@end)",
  "a<=b>=c=d<e>f=>g <== 1.2.3 .5 12ab -3 x-y _z .a.b 007",
  "@begin no end here 'unterminated \\' tail",
  "'\\\n' 'ok' '\\\u2028' '\\'' '\\",
  "\u00a0\ufeff\u2028system\u3000s\u202f(\u1680k\u2000=\u200a'v'\u205f)\v\f\r\n",
  '',
  "#only a comment",
  "@beginx@end @ @b @begin",
];

describe('RADL tokens', () => {
  it('are the reference expression\'s tokens on fixed samples', () => {
    for (const text of SAMPLES) expect(tokenize(text)).toEqual(referenceTokens(text));
  });

  it('are the reference expression\'s tokens on random RADL-like text', () => {
    const alphabet = ["'", '\\', '\n', '\r', ' ', '\t', '#', '@', '@begin', '@end', '\n@end', '(', ')', '[', ']', ',', '=', '<', '>', '.', '-', '_', '1', '2.5', 'a', 'Z', 'and', 'system', '\u00a0', '\u2028', 'é', '😀'];
    let seed = 13;
    const random = (n: number): number => {
      // mulberry32: a seeded generator whose low bits are as random as its high ones
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) % n;
    };
    for (let round = 0; round < 3000; round += 1) {
      let text = '';
      const length = random(40);
      for (let k = 0; k < length; k += 1) text += alphabet[random(alphabet.length)];
      expect(tokenize(text), JSON.stringify(text)).toEqual(referenceTokens(text));
    }
  });

  it('are the reference expression\'s tokens on an export\'s stored and VM RADL', async () => {
    const sim = await startTestSim();
    try {
      const inf = await createInfra(sim, TRANSCRIPT_RADL);
      ok(await sim.call('GetInfrastructureState', inf, AUTH));
      const exported = parseExport(String(ok(await sim.call('ExportInfrastructure', inf, false, AUTH))))!;
      const texts = [exported.radl, ...exported.vmInfo.values()];
      expect(texts.length).toBeGreaterThan(1);
      for (const text of texts) {
        expect(tokenize(text)).toEqual(referenceTokens(text));
        expect(readRadl(text).length).toBeGreaterThan(0);
      }
    } finally {
      await sim.close();
    }
  });
});
