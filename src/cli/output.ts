/**
 * Output for one CLI run: human text (colour on a TTY unless NO_COLOR or --no-color) or, with
 * --json, one JSON object per line. Everything written passes through the redactor, so even a
 * secret that slipped into an error message from a backend never reaches the terminal or a log.
 */
import pc from 'picocolors';
import { redact } from '../errors/redact.js';
import type { EventSink, RunEvent } from '../engine/events.js';
import type { Diagnostic } from '../manifest/types.js';
import { diagnosticsDocument, eventDocument, machineDocument } from './output/machine.js';

export interface Output extends EventSink {
  readonly json: boolean;
  readonly color: boolean;
  /** line prints human text (ignored in JSON mode). */
  line(text?: string): void;
  /** record prints one JSON object (JSON mode) — the machine form of a result. */
  record(value: unknown): void;
  error(text: string): void;
  /**
   * diagnostics prints formatted manifest diagnostics as they are, one per line, on stderr; with
   * --json also one Diagnostics document on stdout holding `items`, the diagnostic objects.
   */
  diagnostics(lines: string, summary: string, items?: readonly Diagnostic[]): void;
}

export function createOutput(options: { json: boolean; color?: boolean; stdout?: NodeJS.WritableStream; stderr?: NodeJS.WritableStream }): Output {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const color = options.color ?? (Boolean((stdout as NodeJS.WriteStream).isTTY) && !process.env.NO_COLOR);
  const colors = pc.createColors(color);
  let lastWaiting = 0;
  return {
    json: options.json,
    color,
    line(text = '') {
      if (!options.json) stdout.write(`${redact(text)}\n`);
    },
    record(value) {
      stdout.write(`${redact(JSON.stringify(value))}\n`);
    },
    error(text) {
      if (options.json) stdout.write(`${redact(JSON.stringify(machineDocument('Error', { type: 'error', time: new Date().toISOString(), message: text })))}\n`);
      stderr.write(`${colors.red('error:')} ${redact(text)}\n`);
    },
    diagnostics(lines, summary, items) {
      if (options.json) stdout.write(`${redact(JSON.stringify(diagnosticsDocument(summary, items ?? [])))}\n`);
      stderr.write(`${redact(lines)}\n${colors.red(summary)}\n`);
    },
    emit(event) {
      if (options.json) return void stdout.write(`${redact(JSON.stringify(eventDocument(event)))}\n`);
      if (event.type === 'waiting') {
        if (Date.now() - lastWaiting < 5000) return;
        lastWaiting = Date.now();
      }
      const text = describeEvent(event, colors);
      if (text) stdout.write(`${redact(text)}\n`);
    },
  };
}

type Colors = ReturnType<typeof pc.createColors>;

function describeEvent(event: RunEvent, c: Colors): string | undefined {
  switch (event.type) {
    case 'pass':
      return event.pass > 1 ? c.dim(`pass ${event.pass}: observing again`) : undefined;
    case 'observed':
      return c.dim(`observed ${event.objects} object(s) on ${event.backend} in ${event.ms} ms`);
    case 'observe-failed':
      return c.red(`cannot observe backend ${event.backend}: ${event.message} [${event.code}]`);
    case 'intent-settled':
      return c.yellow(`journal: ${event.note}`);
    case 'lock-takeover':
      return c.yellow(`took over a stale state lock from ${event.holder}`);
    case 'action-start':
      return `${c.cyan('→')} ${event.action} ${event.key}`;
    case 'action-progress':
      return c.dim(`  ${event.key}: ${event.message}`);
    case 'action-done':
      return `${c.green('✓')} ${event.action} ${event.key} (${(event.ms / 1000).toFixed(1)}s)`;
    case 'action-failed':
      return `${c.red('✗')} ${event.action} ${event.key}: ${event.message} [${event.code}]${event.willRetry ? c.dim(' — will observe and retry') : ''}`;
    case 'action-skipped':
      return c.yellow(`- skipped ${event.action} ${event.key}: ${event.reason}`);
    case 'retry':
      return c.dim(`  retrying ${event.method} (attempt ${event.attempt + 1}) in ${event.delayMs} ms after ${event.code}`);
    case 'warning':
      return c.yellow(`warning: ${event.key}: ${event.message} [${event.code}]`);
    case 'waiting':
      return c.dim(`waiting for ${event.objects.map((o) => `${o.key} (${o.phase})`).join(', ')}; ${Math.ceil(event.remainingMs / 1000)}s left`);
  }
}
