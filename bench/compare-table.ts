/**
 * The table `npm run bench:compare` prints (issue 13's: work × Terraform × converge IM × converge
 * XenAPI), the ratios, and converge's own cost per object. Pure formatting: compare.ts measures.
 */
import { totalCalls, type PassFigures } from './harness-types.js';

export type Work = 'create' | 'no-op';

/** TerraformCell: a measured figure, or the issue's reference one when no terraform is on PATH. */
export interface TerraformCell {
  wallMs: number;
  cpuMs?: number;
}

export interface CompareRow {
  work: Work;
  n: number;
  terraform?: TerraformCell;
  im?: PassFigures;
  xen?: PassFigures;
}

/** TerraformSource says where the Terraform column came from; the header and the note say it too. */
export type TerraformSource = { kind: 'measured'; version: string } | { kind: 'reference' } | { kind: 'none' };

/**
 * REFERENCE_TERRAFORM_MS: Terraform 1.11 with built-in terraform_data, -parallelism=16, no
 * provider, measured on this 2-core machine when issue 13 was filed (its table). Used only
 * when no terraform binary is on PATH, and labelled as such.
 */
export const REFERENCE_TERRAFORM_MS: Record<Work, Record<number, number>> = {
  create: { 1000: 10_200, 5000: 228_000 },
  'no-op': { 1000: 1_940, 5000: 24_200 },
};

export const REFERENCE_NOTE =
  'terraform is not on PATH: the Terraform column holds the REFERENCE figures from issue 13 (Terraform 1.11, terraform_data, -parallelism=16, measured on this machine when the issue was filed), not figures of this run; ratios are against those.';

export function referenceCell(work: Work, n: number): TerraformCell | undefined {
  const ms = REFERENCE_TERRAFORM_MS[work][n];
  return ms === undefined ? undefined : { wallMs: ms };
}

const fmtN = (n: number) => n.toLocaleString('en-US');
const fmtS = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;

function convergeCell(f: PassFigures | undefined, work: Work): string {
  if (!f) return '—';
  const partial = f.outcome === 'converged' ? '' : `, **${f.outcome}**`;
  return work === 'no-op' ? `${fmtS(f.wallMs)} (${fmtN(totalCalls(f.calls))} calls${partial})` : `${fmtS(f.wallMs)}${partial}`;
}

function ratio(tf: TerraformCell | undefined, f: PassFigures | undefined): string {
  return tf && f ? `${(tf.wallMs / f.wallMs).toFixed(1)}×` : '—';
}

/** formatComparison returns the lines to print: the table, the ratios, converge's cost per object, and goal 2's IM check. */
export function formatComparison(rows: readonly CompareRow[], source: TerraformSource): string[] {
  const tfHead = source.kind === 'measured' ? `Terraform ${source.version}` : source.kind === 'reference' ? 'Terraform (reference, issue 13)' : 'Terraform';
  const out = [`| work | ${tfHead} | converge IM | converge XenAPI |`, '|---|---:|---:|---:|'];
  for (const r of rows) out.push(`| ${r.work} ${fmtN(r.n)} | ${r.terraform ? fmtS(r.terraform.wallMs) : '—'} | ${convergeCell(r.im, r.work)} | ${convergeCell(r.xen, r.work)} |`);
  out.push('', `| work | Terraform ÷ converge IM | Terraform ÷ converge XenAPI |`, '|---|---:|---:|');
  for (const r of rows) out.push(`| ${r.work} ${fmtN(r.n)} | ${ratio(r.terraform, r.im)} | ${ratio(r.terraform, r.xen)} |`);
  out.push('', '| work | converge CPU per object IM / XenAPI | calls per object IM / XenAPI | peak RSS IM / XenAPI | Terraform CPU per object |', '|---|---:|---:|---:|---:|');
  for (const r of rows) out.push(`| ${r.work} ${fmtN(r.n)} | ${perObject(r, (f) => `${(f.cpuMs / f.n).toFixed(2)} ms`)} | ${perObject(r, (f) => (totalCalls(f.calls) / f.n).toFixed(2))} | ${perObject(r, (f) => `${f.peakRssMB.toFixed(0)} MB`)} | ${r.terraform?.cpuMs !== undefined ? `${(r.terraform.cpuMs / r.n).toFixed(2)} ms` : '—'} |`);
  const goal = rows.find((r) => r.work === 'no-op' && r.n === 1000 && r.terraform && r.im);
  if (goal) {
    const x = goal.terraform!.wallMs / goal.im!.wallMs;
    out.push('', `goal 2: IM no-op over 1,000 at least 5× faster than Terraform's no-op plan over 1,000: ${x.toFixed(1)}× (${x >= 5 ? 'met' : 'not met'}${source.kind === 'reference' ? ', against the reference figure' : ''})`);
  }
  if (source.kind === 'reference') out.push('', REFERENCE_NOTE);
  if (source.kind === 'none') out.push('', 'terraform is not on PATH and no reference figure exists for these counts: Terraform skipped.');
  return out;
}

function perObject(r: CompareRow, f: (p: PassFigures) => string): string {
  return `${r.im ? f(r.im) : '—'} / ${r.xen ? f(r.xen) : '—'}`;
}
