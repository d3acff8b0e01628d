/**
 * The docs stay true to the code: the manifest reference is what `npm run docs:manifests` makes
 * from the schemas today, every error and diagnostic code the source defines has a section in
 * docs/TROUBLESHOOTING.md, and every relative link in README.md and docs/ resolves to a file
 * inside the repository (a link out of the repository is broken for everyone who clones it).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderManifestsDoc } from '../../scripts/gen-manifests-doc.mjs';
import { ROOT } from '../helpers/cli.js';

const KINDS = ['TRANSIENT', 'CONFLICT', 'NOT_FOUND', 'UNAUTHORIZED', 'INVALID', 'TERMINAL'];

function filesUnder(dir: string, ext: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path, ext) : path.endsWith(ext) ? [path] : [];
  });
}

/** sourceCodes collects the stable codes the source defines (error codes and diagnostic codes). */
function sourceCodes(): Set<string> {
  const codes = new Set<string>();
  const kinds = KINDS.join('|');
  const patterns = [
    new RegExp(`'(?:${kinds})',\\s*'([A-Z][A-Z0-9_]+)'`, 'g'), // new ConvergeError('KIND', 'CODE' …), [pattern, 'KIND', 'CODE']
    /\bcode: '([A-Z][A-Z0-9_]+)'/g, // { kind, code: 'CODE' }
    new RegExp(`ConvergeError\\(\\s*'(?:${kinds})',\\s*[^,]*\\? '([A-Z]+_[A-Z0-9_]+)' : '([A-Z]+_[A-Z0-9_]+)'`, 'g'), // a code chosen by a condition
    /fallbackCode = '([A-Z][A-Z0-9_]+)'/g,
  ];
  for (const file of filesUnder(join(ROOT, 'src'), '.ts').filter((f) => !f.includes('/sim/'))) {
    const text = readFileSync(file, 'utf8');
    for (const pattern of patterns) for (const m of text.matchAll(pattern)) for (const code of m.slice(1)) if (code && !KINDS.includes(code)) codes.add(code);
  }
  const union = /export type DiagnosticCode =([^;]+);/.exec(readFileSync(join(ROOT, 'src', 'manifest', 'types.ts'), 'utf8'))![1]!;
  for (const m of union.matchAll(/'([A-Z_]+)'/g)) codes.add(m[1]!);
  return codes;
}

function markdownFiles(): string[] {
  return [join(ROOT, 'README.md'), ...filesUnder(join(ROOT, 'docs'), '.md')];
}

describe('docs', () => {
  it('docs/MANIFESTS.md is what `npm run docs:manifests` makes from the schemas', () => {
    expect(readFileSync(join(ROOT, 'docs', 'MANIFESTS.md'), 'utf8')).toBe(renderManifestsDoc());
  });

  it('docs/TROUBLESHOOTING.md has a section for every code the source defines', () => {
    const page = readFileSync(join(ROOT, 'docs', 'TROUBLESHOOTING.md'), 'utf8');
    const sections = new Set([...page.matchAll(/^#{2,4} `([A-Z][A-Z0-9_]+)`/gm)].map((m) => m[1]!));
    const codes = sourceCodes();
    expect(codes.size).toBeGreaterThan(100);
    expect([...codes].filter((code) => !sections.has(code)).sort()).toEqual([]);
  });

  it('every relative link in README.md and docs/ resolves inside the repository', () => {
    const problems: string[] = [];
    for (const file of markdownFiles()) {
      const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
      for (const m of text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
        const target = m[1]!;
        if (/^(https?:|mailto:|#)/.test(target)) continue;
        const path = resolve(dirname(file), decodeURIComponent(target.split('#')[0]!));
        const where = `${relative(ROOT, file)}: ${target}`;
        if (relative(ROOT, path).startsWith('..') || target.startsWith('/')) problems.push(`${where} leaves the repository`);
        else if (!existsSync(path)) problems.push(`${where} does not exist`);
      }
    }
    expect(problems).toEqual([]);
  });
});
