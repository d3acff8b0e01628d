/**
 * Running `converge watch` (the compiled CLI) as a user would, and talking to it: its JSON log
 * lines, its /status and /metrics endpoints, and a graceful stop. Every wait is bounded.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { startCli, type CliResult } from './cli.js';

export type LogLine = Record<string, unknown> & { msg: string; time: string; level: string };

export interface WatchProcess {
  url: string;
  logs(): LogLine[];
  status(): Promise<StatusDoc>;
  metrics(): Promise<string>;
  /** stop sends `signal` and resolves with how the process ended. */
  stop(signal?: NodeJS.Signals): Promise<CliResult>;
  result: Promise<CliResult>;
  pid: number;
}

export interface StatusResource {
  key: string;
  backend?: string;
  inManifests: boolean;
  conditions: { Ready: { status: string; reason: string; message?: string }; Synced: { status: string; reason: string; message?: string } };
  lastError?: { code: string; message: string };
  lastConvergedAt?: string;
  reconciles: number;
  objects: Array<{ key: string; phase: string; ids: Record<string, string>; spec?: Record<string, unknown> }>;
}

export interface StatusDoc {
  controller: { phase: string };
  manifests: { valid: boolean; diagnostics: string[]; revision?: string; checkedAt: string; inForce?: { revision?: string } };
  lastApplied: { revision?: string; at: string } | null;
  resources: StatusResource[];
}

/** startWatch spawns `converge watch DIR --listen 127.0.0.1:0 …` and waits for its endpoints. */
export async function startWatch(dir: string, args: string[] = [], env: Record<string, string> = {}): Promise<WatchProcess> {
  const child = startCli(['watch', dir, '--listen', '127.0.0.1:0', ...args], { env });
  let buffer = '';
  const lines: LogLine[] = [];
  child.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const parts = buffer.split('\n');
    buffer = parts.pop() ?? '';
    for (const part of parts) if (part.startsWith('{')) lines.push(JSON.parse(part) as LogLine);
  });
  const listening = await waitFor(() => lines.find((l) => l.msg === 'listening'), 20_000, 'the watch endpoints', () => child.exitCode !== null);
  const url = String(listening.url);
  return {
    url,
    logs: () => lines,
    status: async () => (await (await fetch(`${url}/status`)).json()) as StatusDoc,
    metrics: async () => (await fetch(`${url}/metrics`)).text(),
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null) child.kill(signal);
      return child.result;
    },
    result: child.result,
    pid: child.pid!,
  };
}

/** waitFor polls `probe` every 100 ms until it returns something truthy, or fails after `timeoutMs`. */
export async function waitFor<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs: number, what: string, gaveUp?: () => boolean): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline || gaveUp?.()) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await sleep(100);
  }
}

/** resource finds one resource of a /status document. */
export function resource(doc: StatusDoc, key: string): StatusResource | undefined {
  return doc.resources.find((r) => r.key === key);
}

/** allReady is true when every resource in the manifests is Ready. */
export function allReady(doc: StatusDoc): boolean {
  const desired = doc.resources.filter((r) => r.inManifests);
  return desired.length > 0 && desired.every((r) => r.conditions.Ready.status === 'True');
}
