import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { benchArgs, usage } from '../../bench/bench-args.js';

const run = promisify(execFile);
const compare = fileURLToPath(new URL('../../bench/compare.ts', import.meta.url));
const builtCompare = fileURLToPath(new URL('../../dist/bench/compare.js', import.meta.url));

describe('benchArgs', () => {
  const options = { counts: { type: 'string', default: '10' }, quick: { type: 'boolean', default: false } } as const;

  it('parses the flags it is given', () => {
    expect(benchArgs(compare, options, ['--counts', '5', '--quick'])).toEqual({ counts: '5', quick: true });
  });

  it('lists the flags with their defaults and the header comment’s command lines', () => {
    const text = usage(compare, options);
    expect(text).toContain('--counts VALUE (default "10")');
    expect(text).toContain('--quick (default false)');
    expect(text).toContain('npm run bench:compare -- --quick');
  });

  it('answers an unknown flag with the error and the usage, exit 2, no stack trace (the built benchmark)', async () => {
    const failed = await run(process.execPath, [builtCompare, '--bogus']).catch((e: { code: number; stderr: string }) => e);
    expect('code' in failed ? failed.code : 0).toBe(2);
    expect(failed.stderr).toContain("compare.js: Unknown option '--bogus'");
    expect(failed.stderr).toContain('npm run bench:compare -- --quick');
    expect(failed.stderr).not.toMatch(/\n\s+at /);
  });
});
