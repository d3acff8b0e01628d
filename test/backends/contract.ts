/**
 * The backend contract suite (DESIGN §4): the same behaviour checks run against every backend
 * type, through the real engine, the real driver and the backend's simulator over a socket.
 * A backend joins by providing a ContractSubject (see im.contract.test.ts).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConvergeError } from '../../src/errors/converge-error.js';
import { converge } from '../../src/engine/converge.js';
import type { RunEvent } from '../../src/engine/events.js';
import { openWorkspace } from '../../src/workspace/open-workspace.js';
import type { Workspace } from '../../src/engine/workspace.js';
import type { FaultRule } from '../../src/xmlrpc/sim/fault-rules.js';
import { planChanges } from '../../src/plan/plan-changes.js';

export interface ContractSimulator {
  url: string;
  /**
   * liveKeys lists the object keys the simulator holds for converge's owner (ground truth). `dir`
   * is the manifests directory, for backends whose API has no tags (its state maps ids to keys).
   */
  liveKeys(dir: string): Promise<string[]>;
  injectFault(rule: FaultRule): void;
  close(): Promise<void>;
}

export interface ContractSubject {
  type: string;
  startSimulator(): Promise<ContractSimulator>;
  /** files of a manifests dir with one Backend at `url` and resources expanding to `keys`. */
  manifests(url: string): Record<string, string>;
  keys: string[];
  /** secret is a credential value in those files that must never appear in any output. */
  secret: string;
  /** readMethod is called by every observe; failing it makes the backend unobservable. */
  readMethod: string;
  /** rejectCreate makes the next create fail on the server with a non-transient error. */
  rejectCreate: FaultRule;
  /**
   * otherIdentity are credential files (same names as in `manifests`) that present another
   * identity: a wrong password an IM without a user list takes as a new user, a wrong password
   * or API key a server refuses, another account.
   */
  otherIdentity: Record<string, string>;
}

export function runBackendContract(subject: ContractSubject): void {
  describe(`backend contract: ${subject.type}`, () => {
    let sim: ContractSimulator;
    let dir: string;
    let events: RunEvent[];
    const sink = { emit: (e: RunEvent) => void events.push(e) };

    beforeEach(async () => {
      sim = await subject.startSimulator();
      dir = await mkdtemp(join(tmpdir(), `contract-${subject.type}-`));
      for (const [name, text] of Object.entries(subject.manifests(sim.url))) await writeFile(join(dir, name), text);
      events = [];
    });
    afterEach(async () => sim.close());

    async function run(options: { prune?: boolean; waitMs?: number } = {}) {
      const ws = await openWorkspace({ dir, sink });
      try {
        const report = await converge(ws, { waitMs: options.waitMs ?? 30_000, pollMs: 100, prune: () => Boolean(options.prune), globalLimit: 8, signal: new AbortController().signal, sink, generator: 'contract' });
        return { report, ws };
      } finally {
        await ws.close();
      }
    }

    it('creates idempotently: a second run finds everything and mutates nothing', async () => {
      const first = await run();
      expect(first.report.outcome).toBe('converged');
      expect((await sim.liveKeys(dir)).sort()).toEqual([...subject.keys].sort());
      const second = await run();
      expect(second.report.outcome).toBe('converged');
      expect(second.report.mutatingCalls).toBe(0);
      expect((await sim.liveKeys(dir)).sort()).toEqual([...subject.keys].sort());
    });

    it('observes after create exactly what it desired (an empty plan)', async () => {
      await run();
      const ws = await openWorkspace({ dir, sink });
      try {
        const state = await ws.store.read();
        const driver = [...ws.drivers.values()][0]!;
        const observed = await driver.observe({ signal: new AbortController().signal, owner: state.owner, now: new Date(), records: Object.values(state.objects), desired: ws.desired });
        expect(observed.map((o) => o.key).sort()).toEqual([...subject.keys].sort());
        const plan = planChanges({ desired: ws.desired, observed, state, hooks: { [driver.name]: driver.hooks }, prune: () => false, manifestsDigest: '', now: new Date(), generator: 't' });
        expect(plan.actions.map((a) => a.action)).toEqual(subject.keys.map(() => 'noop'));
      } finally {
        await ws.close();
      }
    });

    it('deletes what exists, and deleting what is already gone succeeds', async () => {
      await run();
      const ws: Workspace = await openWorkspace({ dir, sink });
      try {
        const state = await ws.store.read();
        const driver = [...ws.drivers.values()][0]!;
        const [target] = await driver.observe({ signal: new AbortController().signal, owner: state.owner, now: new Date(), records: Object.values(state.objects), desired: ws.desired });
        const ctx = { signal: new AbortController().signal, owner: state.owner, progress: () => undefined, mutate: <T,>(_m: string, _t: string, call: () => Promise<T>) => call() };
        await driver.delete(target!, ctx);
        await driver.delete(target!, ctx);
        expect(await sim.liveKeys(dir)).not.toContain(target!.key);
      } finally {
        await ws.close();
      }
    });

    it('maps a server-side rejection to a typed, non-retried error and goes on with the others', async () => {
      sim.injectFault(subject.rejectCreate);
      const { report } = await run({ waitMs: 20_000 });
      expect(report.outcome).toBe('partial');
      expect(report.exitCode).toBe(3);
      const failed = report.objects.filter((o) => o.result === 'failed');
      expect(failed).toHaveLength(1);
      expect(failed[0]!.code).toMatch(/^[A-Z_]+$/);
      expect(report.objects.filter((o) => o.result === 'converged')).toHaveLength(subject.keys.length - 1);
    });

    it('reports an unreachable backend as a typed TRANSIENT error after retrying reads', async () => {
      sim.injectFault({ method: subject.readMethod, mode: 'http-error', httpStatus: 503, times: 1000 });
      const ws = await openWorkspace({ dir, sink });
      try {
        const driver = [...ws.drivers.values()][0]!;
        const error = await driver.observe({ signal: new AbortController().signal, owner: 'x', now: new Date(), records: [], desired: [] }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ConvergeError);
        expect((error as ConvergeError).kind).toBe('TRANSIENT');
        expect(events.some((e) => e.type === 'retry')).toBe(true);
      } finally {
        await ws.close();
      }
    });

    it('stops with IDENTITY_REFUSED under another identity: no mutating call, state byte-identical', async () => {
      expect((await run()).report.outcome).toBe('converged');
      const statePath = join(dir, '.converge', 'state.json');
      const before = await readFile(statePath, 'utf8');
      for (const [name, text] of Object.entries(subject.otherIdentity)) await writeFile(join(dir, name), text);
      const ws = await openWorkspace({ dir, sink });
      try {
        const error = await converge(ws, { waitMs: 10_000, pollMs: 100, prune: () => false, globalLimit: 8, signal: new AbortController().signal, sink, generator: 'contract' }).catch((e: unknown) => e);
        expect(error).toMatchObject({ kind: 'UNAUTHORIZED', code: 'IDENTITY_REFUSED' });
        expect(subject.keys.some((key) => (error as Error).message.includes(key))).toBe(true);
        expect((error as Error).message).not.toContain(subject.secret);
        expect(ws.stats.mutatingCalls()).toBe(0);
      } finally {
        await ws.close();
      }
      expect(await readFile(statePath, 'utf8')).toBe(before);
      expect((await sim.liveKeys(dir)).sort()).toEqual([...subject.keys].sort());
    });

    it('never lets the credential appear in events, reports, state or journal', async () => {
      sim.injectFault({ method: subject.readMethod, mode: 'drop', times: 2 });
      const { report } = await run();
      const stateDir = join(dir, '.converge');
      const files = await Promise.all((await readdir(stateDir)).filter((f) => /\.(json|jsonl)$/.test(f)).map((f) => readFile(join(stateDir, f), 'utf8')));
      const everything = [JSON.stringify(events), JSON.stringify(report), ...files].join('\n');
      expect(everything.length).toBeGreaterThan(100);
      expect(everything).not.toContain(subject.secret);
    });
  });
}
