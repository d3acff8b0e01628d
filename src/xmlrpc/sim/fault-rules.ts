/**
 * FaultRule describes one injected failure. A rule matches a method name (or `*`) and fires either
 * for its next `times` matching calls (default once), or, with `fraction`, on that share of
 * matching calls for as long as it is installed.
 *
 * Modes (DESIGN §6):
 * - `fault`: answer with an XML-RPC `<fault>` (faultCode / faultString) without running the method;
 * - `result`: answer with `result` as a normal value without running it (for APIs whose errors are
 *   values, such as IM's `[false, "message"]` or XenAPI's `{Status: "Failure"}`);
 * - `drop`: close the connection before the method runs;
 * - `lose-reply`: run the method (its effects happen) and then close the connection unanswered;
 * - `late-reply`: run the method (its effects happen at once), then hold the reply for `delayMs`
 *   (default 30 s) before sending it, so a client whose timeout is shorter gives up while the
 *   server has acted; a client that waits long enough still gets the real answer;
 * - `http-error`: answer with an HTTP error status (default 503) without running the method;
 * - `delay`: add `delayMs` (default 1 s) before running the method normally.
 */
import type { XmlRpcValue } from '../value.js';

export type FaultMode = 'fault' | 'result' | 'drop' | 'lose-reply' | 'late-reply' | 'http-error' | 'delay';

export interface FaultRule {
  method: string;
  mode: FaultMode;
  times?: number;
  fraction?: number;
  /** faultCode is an int, or a string for servers that send names (fedd: "Federant Error"). */
  faultCode?: number | string;
  faultString?: string;
  result?: XmlRpcValue;
  httpStatus?: number;
  delayMs?: number;
}

const MODES: readonly FaultMode[] = ['fault', 'result', 'drop', 'lose-reply', 'late-reply', 'http-error', 'delay'];

/** LATE_REPLY_DEFAULT_MS is how long `late-reply` holds a reply when the rule names no delayMs. */
export const LATE_REPLY_DEFAULT_MS = 30_000;

/** parseFaultRule validates a rule received over the control API. */
export function parseFaultRule(input: unknown): FaultRule {
  if (typeof input !== 'object' || input === null) throw new Error('fault rule must be a struct');
  const raw = input as Record<string, unknown>;
  const mode = raw.mode as FaultMode;
  if (!MODES.includes(mode)) throw new Error(`fault rule mode must be one of ${MODES.join(', ')}`);
  if (typeof raw.method !== 'string' || raw.method === '') throw new Error('fault rule needs a method name or "*"');
  const rule: FaultRule = { method: raw.method, mode };
  if (raw.times !== undefined) rule.times = Number(raw.times);
  if (raw.fraction !== undefined) rule.fraction = Number(raw.fraction);
  if (raw.faultCode !== undefined) rule.faultCode = faultCodeOf(raw.faultCode);
  if (raw.faultString !== undefined) rule.faultString = String(raw.faultString);
  if (raw.result !== undefined) rule.result = raw.result as XmlRpcValue;
  if (raw.httpStatus !== undefined) rule.httpStatus = Number(raw.httpStatus);
  if (raw.delayMs !== undefined) {
    rule.delayMs = Number(raw.delayMs);
    if (!Number.isFinite(rule.delayMs) || rule.delayMs < 0) throw new Error('fault rule delayMs must be a number of milliseconds >= 0');
  }
  return rule;
}

/** faultCodeOf keeps a non-numeric string code as it is ("Access Denied"); anything else is a number. */
function faultCodeOf(raw: unknown): number | string {
  return typeof raw === 'string' && raw.trim() !== '' && Number.isNaN(Number(raw)) ? raw : Number(raw);
}

/** FaultInjector holds installed rules and decides, per call, which one fires. */
export class FaultInjector {
  #rules: Array<FaultRule & { remaining: number }> = [];
  #random: () => number;

  constructor(random: () => number) {
    this.#random = random;
  }

  add(rule: FaultRule): void {
    this.#rules.push({ ...rule, remaining: rule.fraction === undefined ? (rule.times ?? 1) : Infinity });
  }

  clear(): void {
    this.#rules = [];
  }

  get rules(): FaultRule[] {
    return this.#rules.map(({ remaining: _remaining, ...rule }) => rule);
  }

  /** pick returns the rule that fires for this call, consuming one use of it, or undefined. */
  pick(method: string): FaultRule | undefined {
    for (const rule of this.#rules) {
      if (rule.method !== '*' && rule.method !== method) continue;
      if (rule.fraction !== undefined) {
        if (this.#random() < rule.fraction) return rule;
        continue;
      }
      if (rule.remaining > 0) {
        rule.remaining -= 1;
        this.#rules = this.#rules.filter((r) => r.remaining > 0);
        return rule;
      }
    }
    return undefined;
  }
}

/** seededRandom is a small deterministic PRNG (mulberry32) so fault sequences can be replayed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
