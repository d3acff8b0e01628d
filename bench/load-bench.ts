/**
 * Manifest loading benchmark (issue 13, goal 2): loading and validating N manifest documents,
 * as `converge plan` / `watch` do (loadManifests with checkCredentials), in three layouts:
 * all documents in one file, one document per file, and files of 100 documents. The mix is
 * realistic: two Backends (IM and XenAPI, credentials from files) and N - 2 Infrastructures,
 * alternately IM (two systems, disks, configure recipe, outbound network) and XenAPI (one system).
 *
 * Each layout runs in a fresh child process (a CLI run loads once per process, so the first load
 * pays for a cold JIT); the child loads `--repeat` times and prints the first load and the best of
 * the later ones: wall, CPU (process.cpuUsage, user + system) and peak RSS. It also prints what a
 * CLI run pays up to the end of its first load ("from start": node's start-up, importing the loader
 * and the first load; the child imports only the loader, as `converge validate` does) and what
 * listing and reading the files alone costs (readFileSync, no parsing; the page cache is warm).
 *
 *   npm run bench:load
 *   node dist/bench/load-bench.js --count 5000 --layouts one,each,hundred --repeat 3
 *   node --cpu-prof dist/bench/load-bench.js --child each --count 5000   # one layout, profiled
 *   node dist/bench/load-bench.js --write DIR --layouts one --count 5000  # only write the tree (for
 *                                       # timing the CLI: `converge validate DIR`, `plan DIR`)
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchArgs } from './bench-args.js';
import { readFileSync } from 'node:fs';
import { hasErrors } from '../src/manifest/diagnostics.js';
import { findManifestFiles } from '../src/manifest/find-manifest-files.js';
import { loadManifests } from '../src/manifest/load-manifests.js';

const values = benchArgs(import.meta.url, {
  count: { type: 'string', default: '5000' },
  layouts: { type: 'string', default: 'one,each,hundred' },
  repeat: { type: 'string', default: '3' },
  child: { type: 'string' },
  write: { type: 'string' },
});

type Layout = 'one' | 'each' | 'hundred';
const PER_FILE: Record<Layout, number> = { one: Number.POSITIVE_INFINITY, each: 1, hundred: 100 };
const TITLES: Record<Layout, string> = { one: 'one file', each: 'one file per document', hundred: 'files of 100' };

const BACKENDS = [
  'apiVersion: converge/v1\nkind: Backend\nmetadata:\n  name: im\n  labels:\n    team: net\nspec:\n  type: im\n  url: http://127.0.0.1:8899\n  credentials:\n    fromFile: im-auth.dat\n  timeouts:\n    call: 90s\n',
  'apiVersion: converge/v1\nkind: Backend\nmetadata: { name: xen }\nspec: { type: xenapi, url: "http://127.0.0.1:8898", credentials: { fromFile: xen.cred }, limits: { concurrency: 16 } }\n',
];

/** imInfrastructure: the shape of docs/MANIFESTS.md's web example. */
function imInfrastructure(i: number): string {
  return `apiVersion: converge/v1
kind: Infrastructure
metadata:
  name: web-${i}
  labels:
    tier: frontend
spec:
  backend: im
  networks:
    - name: public
      outbound: true
      outports: ["80/tcp", "443/tcp", "8000:8010/tcp"]
    - name: private
  systems:
    - name: front
      cpu: 2
      memory: 512Mi
      image: one://one.example.org/42
      disks:
        - size: 20GB
          mountPath: /data
          fstype: ext4
      interfaces:
        - public
        - network: private
          dnsName: front-#N#
      configure: |
        - name: install nginx
          apt: name=nginx state=present
    - name: db
      cpu: {count: 4, arch: x86_64}
      memory: 1.5G
      image: one://one.example.org/43
      disks:
        - size: 10Gi
      interfaces: [private]
  deploy:
    front: 2
    db: 1
`;
}

function xenInfrastructure(i: number): string {
  return `apiVersion: converge/v1
kind: Infrastructure
metadata: { name: lab-${i} }
spec:
  backend: xen
  networks: [{ name: backend }]
  systems:
    - name: node
      cpu: 1
      memory: 1Gi
      image: Debian Bookworm 12
      disks: [{ size: 30Gi }, { size: 500MB }]
      interfaces: [backend]
  deploy: { node: 1 }
`;
}

/** documents returns the N documents of the mix (two Backends first). */
export function benchDocuments(count: number): string[] {
  const docs = [...BACKENDS];
  for (let i = 0; docs.length < count; i += 1) docs.push(i % 2 === 0 ? imInfrastructure(i) : xenInfrastructure(i));
  return docs;
}

async function writeTree(dir: string, layout: Layout, count: number): Promise<number> {
  // Credential files are found next to the manifest naming them: the Backends are in d0/.
  await mkdir(join(dir, 'd0'), { recursive: true });
  await writeFile(join(dir, 'd0', 'im-auth.dat'), 'id = im; type = InfrastructureManager; username = u; password = p\n');
  await writeFile(join(dir, 'd0', 'xen.cred'), 'username = root\npassword = xenroot\n');
  const docs = benchDocuments(count);
  const perFile = Math.min(PER_FILE[layout], docs.length);
  let files = 0;
  for (let start = 0; start < docs.length; start += perFile, files += 1) {
    const sub = join(dir, `d${Math.floor(files / 1000)}`);
    await mkdir(sub, { recursive: true });
    await writeFile(join(sub, `m${String(files).padStart(5, '0')}.yaml`), docs.slice(start, start + perFile).join('---\n'));
  }
  return files;
}

interface Sample {
  wallMs: number;
  cpuMs: number;
}

async function timedLoad(dir: string, count: number): Promise<Sample> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const set = await loadManifests(dir, { checkCredentials: true });
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  if (hasErrors(set) || set.resources.length !== count) {
    throw new Error(`load failed: ${set.resources.length} resources, first problem: ${JSON.stringify(set.diagnostics[0])}`);
  }
  return { wallMs, cpuMs: (used.user + used.system) / 1000 };
}

/** sinceStart: wall since the process started (performance's time origin) and all CPU it used. */
function sinceStart(): Sample {
  const used = process.cpuUsage();
  return { wallMs: performance.now(), cpuMs: (used.user + used.system) / 1000 };
}

/** timedRead lists and reads every manifest file, without parsing: what the file system costs. */
async function timedRead(dir: string): Promise<Sample> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const { files } = await findManifestFiles(dir);
  for (const file of files) readFileSync(file, 'utf8');
  const used = process.cpuUsage(cpu);
  return { wallMs: performance.now() - started, cpuMs: (used.user + used.system) / 1000 };
}

/** child: one layout in this process; prints one JSON line. */
async function child(layout: Layout, count: number, repeat: number): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'load-bench-'));
  try {
    const files = await writeTree(dir, layout, count);
    const beforeFirst = sinceStart();
    const first = await timedLoad(dir, count);
    // What a CLI run pays up to here, less the writing of the tree (bench only).
    const writing = { wallMs: beforeFirst.wallMs - startup.wallMs, cpuMs: beforeFirst.cpuMs - startup.cpuMs };
    const end = sinceStart();
    const fromStart = { wallMs: end.wallMs - writing.wallMs, cpuMs: end.cpuMs - writing.cpuMs };
    const rest: Sample[] = [];
    for (let i = 1; i < repeat; i += 1) rest.push(await timedLoad(dir, count));
    const best = rest.sort((a, b) => a.wallMs - b.wallMs)[0];
    const read = await timedRead(dir);
    const peakRssMb = process.resourceUsage().maxRSS / 1024;
    console.log(JSON.stringify({ layout, files, first, fromStart, best, read, peakRssMb }));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function ms(sample: Sample | undefined, count: number): string {
  if (sample === undefined) return '-';
  return `${sample.wallMs.toFixed(0)} ms wall, ${sample.cpuMs.toFixed(0)} ms CPU (${((sample.cpuMs * 1000) / count).toFixed(0)} µs/doc)`;
}

/** startup: taken when the modules above are loaded, before the child writes its tree. */
const startup = sinceStart();

async function main(): Promise<void> {
  const count = Number(values.count);
  const repeat = Math.max(1, Number(values.repeat));
  if (values.child !== undefined) return child(values.child as Layout, count, repeat);
  if (values.write !== undefined) {
    const layout = values.layouts!.split(',')[0] as Layout;
    const files = await writeTree(values.write, layout, count);
    return console.log(`wrote ${count} documents in ${files} files (${TITLES[layout]}) under ${values.write}`);
  }
  const self = fileURLToPath(import.meta.url);
  console.log(`loading and validating ${count} documents (loadManifests, checkCredentials), node ${process.version}`);
  for (const layout of values.layouts!.split(',') as Layout[]) {
    const out = execFileSync(process.execPath, [self, '--child', layout, '--count', String(count), '--repeat', String(repeat)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    const r = JSON.parse(out.trim().split('\n').at(-1)!) as { files: number; first: Sample; fromStart: Sample; best?: Sample; read: Sample; peakRssMb: number };
    console.log(`${TITLES[layout].padEnd(22)} ${String(r.files).padStart(5)} files | first: ${ms(r.first, count)} | warm best: ${ms(r.best, count)} | peak RSS ${r.peakRssMb.toFixed(0)} MB`);
    console.log(`${''.padEnd(34)} | from process start to first load done: ${r.fromStart.wallMs.toFixed(0)} ms wall, ${r.fromStart.cpuMs.toFixed(0)} ms CPU | listing and reading alone: ${r.read.wallMs.toFixed(0)} ms wall, ${r.read.cpuMs.toFixed(0)} ms CPU`);
  }
}

await main();
