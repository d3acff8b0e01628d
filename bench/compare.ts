/**
 * `npm run bench:compare` (issue 13, goal 6): converge's IM and XenAPI scenarios (im-bench.ts,
 * xen-bench.ts; each N in a fresh process, each simulator in its own, 0 ms latency, each
 * scenario's own concurrency unless `--concurrency` sets one for all) and, when a `terraform` binary is on PATH, the same object counts with built-in
 * `terraform_data` (terraform.ts), printed as one table with the ratios (compare-table.ts).
 * Without terraform, the Terraform column holds issue 13's reference figures, labelled so.
 *
 *   npm run bench:compare                         # 1,000 and 5,000, IM and XenAPI
 *   npm run bench:compare -- --quick              # 1,000 only
 *   npm run bench:compare -- --counts 100,1000 --only im
 */
import { benchArgs } from './bench-args.js';
import { measureScenario } from './harness.js';
import { imScenario } from './im-bench.js';
import { xenScenario } from './xen-bench.js';
import { findTerraform, measureTerraform, type TerraformFigures } from './terraform.js';
import { formatComparison, referenceCell, type CompareRow, type TerraformSource } from './compare-table.js';
import type { ChildResult } from './harness-types.js';

const values = benchArgs(import.meta.url, {
  counts: { type: 'string', default: '1000,5000' },
  only: { type: 'string', default: 'im,xen' },
  quick: { type: 'boolean', default: false },
  concurrency: { type: 'string' },
});

const counts = values.quick ? [1000] : values.counts!.split(',').map(Number);
const only = new Set(values.only!.split(',').map((s) => s.trim()));
/** concurrency: `--concurrency` for every tool, else 16 (Terraform's -parallelism, IM) and each scenario's own default (XenAPI 128 VMs in progress over 16 connections). */
const concurrency = Number(values.concurrency ?? 16);
const optionsFor = (scenario: { defaultConcurrency?: number }) => ({ latency: '0', concurrency: values.concurrency ? concurrency : (scenario.defaultConcurrency ?? 16), simArgs: '' });

async function main(): Promise<void> {
  const terraform = findTerraform();
  console.log(`converge vs Terraform — counts ${counts.join(', ')}, ${[...only].join(' + ')}, Terraform -parallelism ${concurrency}, converge IM concurrency ${optionsFor(imScenario).concurrency}, XenAPI ${optionsFor(xenScenario).concurrency} VMs in progress over ${xenScenario.connections} connections, 0 ms latency, node ${process.version}`);
  console.log(terraform ? `terraform: ${terraform}` : 'terraform: not on PATH (reference figures from issue 13 are used, labelled)');
  const rows: CompareRow[] = [];
  let version = '';
  for (const n of counts) {
    const im = only.has('im') ? await step(`converge IM ${n}`, () => measureScenario(imScenario, n, optionsFor(imScenario))) : undefined;
    const xen = only.has('xen') ? await step(`converge XenAPI ${n}`, () => measureScenario(xenScenario, n, optionsFor(xenScenario))) : undefined;
    const tf: TerraformFigures | undefined = terraform ? await step(`terraform ${n}`, () => measureTerraform(terraform, n, concurrency)) : undefined;
    if (tf) version = tf.version;
    if (tf && tf.noop.resources !== 0) console.log(`warning: terraform's no-op plan over ${n} wanted changes (${tf.noop.resources}); its figure is not a no-op`);
    rows.push(row('create', n, im, xen, tf), row('no-op', n, im, xen, tf));
  }
  const anyReference = rows.some((r) => r.terraform);
  const source: TerraformSource = terraform ? { kind: 'measured', version } : anyReference ? { kind: 'reference' } : { kind: 'none' };
  console.log('');
  for (const line of formatComparison(rows, source)) console.log(line);
}

function row(work: 'create' | 'no-op', n: number, im: ChildResult | undefined, xen: ChildResult | undefined, tf: TerraformFigures | undefined): CompareRow {
  const pick = (r: ChildResult | undefined) => (r ? (work === 'create' ? r.create : r.noop) : undefined);
  const terraform = tf ? (work === 'create' ? tf.create : tf.noop) : referenceCell(work, n);
  const out: CompareRow = { work, n };
  if (terraform) out.terraform = terraform;
  const i = pick(im);
  const x = pick(xen);
  if (i) out.im = i;
  if (x) out.xen = x;
  return out;
}

/** step runs one measurement and says on stderr what is running (the 5,000 runs take minutes). */
async function step<T>(label: string, fn: () => Promise<T>): Promise<T> {
  process.stderr.write(`… ${label}\n`);
  return fn();
}

await main();
