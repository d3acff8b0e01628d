/**
 * Helpers for fedd tests: a real fedd simulator (several testbeds over HTTPS on 127.0.0.1), a
 * manifests directory that points a fedd Backend at it with converge's client certificate, key,
 * the simulator's CA and three-level-name credentials in files, and ground truth read from the
 * simulator (allocations per testbed, StartSegment calls taken, the message log).
 */
import { writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFeddSimulator, type FeddSimulatorOptions, type RunningFeddSimulator } from '../../src/backends/fedd/sim/index.js';

export const FEDD_NAMES = 'project:converge\nuser:tester\n';

/** startFedd serves `testbeds` with instant swap-ins (virtual time) unless told otherwise. */
export function startFedd(testbeds: string[], options: FeddSimulatorOptions = {}): Promise<RunningFeddSimulator> {
  return startFeddSimulator({ testbeds, policy: { startMs: 0, inputTimeoutMs: 20_000 }, ...options });
}

/** feddBackend is a Backend document naming each testbed's URL, with identity and CA files. */
export function feddBackend(sim: Pick<RunningFeddSimulator, 'testbeds'>, extra = ''): string {
  const testbeds = sim.testbeds.map((t) => `{name: ${t.name}, url: "${t.url}"}`).join(', ');
  return (
    `apiVersion: converge/v1\nkind: Backend\nmetadata: {name: fedd}\nspec:\n  type: fedd\n  url: "${sim.testbeds[0]!.url}"\n  testbeds: [${testbeds}]\n` +
    `  identity: {certificate: {fromFile: converge.pem}, key: {fromFile: converge.key}}\n  credentials: {fromFile: names.txt}\n  tls: {caFile: ca.pem}\n${extra}`
  );
}

/** identityFiles are the files feddBackend refers to, for the given identity. */
export function identityFiles(sim: Pick<RunningFeddSimulator, 'ca'>, identity: { certPem: string; keyPem: string }): Record<string, string> {
  return { 'converge.pem': identity.certPem, 'converge.key': identity.keyPem, 'ca.pem': sim.ca.certPem, 'names.txt': FEDD_NAMES };
}

/** writeFiles writes a manifests directory's files. */
export async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
}

/** experiment is an Infrastructure document on backend `fedd`. */
export function experiment(name: string, body: string): string {
  return `apiVersion: converge/v1\nkind: Infrastructure\nmetadata: {name: ${name}}\nspec:\n  backend: fedd\n${body}`;
}

/** liveAllocations lists every allocation the simulator holds: testbed, fedid hex, status, nodes. */
export function liveAllocations(sim: RunningFeddSimulator['sim']): Array<{ testbed: string; id: string; status: string; nodes: string[] }> {
  return sim.testbedNames.flatMap((testbed) =>
    sim.dump(testbed).allocations.map((a) => ({ testbed, id: a.allocID.replace(/^fedid:/, ''), status: a.status, nodes: a.nodes.filter((n) => !n.removed).map((n) => n.name) })),
  );
}

/** recordedAllocations reads state: key → testbed → allocation hex. */
export function recordedAllocations(dir: string): Record<string, Record<string, string>> {
  const state = JSON.parse(readFileSync(join(dir, '.converge', 'state.json'), 'utf8')) as { objects: Record<string, { extra?: { allocations?: Record<string, string> } }> };
  return Object.fromEntries(Object.entries(state.objects).map(([key, record]) => [key, record.extra?.allocations ?? {}]));
}

/** startCounts counts the StartSegment calls each testbed took in since message `since`. */
export function startCounts(sim: RunningFeddSimulator['sim'], since = 0): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const m of sim.messages.since(since)) if (m.direction === 'in' && m.op === 'StartSegment') counts[m.testbed] = (counts[m.testbed] ?? 0) + 1;
  return counts;
}
