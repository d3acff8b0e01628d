/**
 * Output for one CLI run: human text (colour on a TTY unless NO_COLOR or --no-color; run progress
 * as a live view on a terminal, plain lines elsewhere, errors only with --quiet: output/progress/)
 * or, with --json, one versioned JSON object per line (docs/JSON.md). Everything written passes through the redactor, so even a
 * secret that slipped into an error message from a backend never reaches the terminal or a log.
 */
import pc from 'picocolors';
import { redact } from '../errors/redact.js';
import type { EventSink } from '../engine/events.js';
import { liveView, plainView, quietView, type ProgressView } from './output/progress/views.js';
import type { Diagnostic } from '../manifest/types.js';
import { diagnosticsDocument, eventDocument, machineDocument } from './output/machine.js';

export interface Output extends EventSink {
  readonly json: boolean;
  readonly color: boolean;
  /** quiet (--quiet): only errors and the final summary; results that went well are not listed. */
  readonly quiet?: boolean;
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
  /** close takes anything transient (the live progress block) off the screen; called once at the end. */
  close?(): void;
}

export function createOutput(options: { json: boolean; color?: boolean; quiet?: boolean; stdout?: NodeJS.WritableStream; stderr?: NodeJS.WritableStream }): Output {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const color = options.color ?? (Boolean((stdout as NodeJS.WriteStream).isTTY) && !process.env.NO_COLOR);
  const colors = pc.createColors(color);
  const view = options.json ? undefined : chooseView(stdout, colors, Boolean(options.quiet));
  return {
    json: options.json,
    color,
    quiet: Boolean(options.quiet),
    line(text = '') {
      if (!options.json) view!.print(text);
    },
    record(value) {
      stdout.write(`${redact(JSON.stringify(value))}\n`);
    },
    error(text) {
      if (options.json) stdout.write(`${redact(JSON.stringify(machineDocument('Error', { type: 'error', time: new Date().toISOString(), message: text })))}\n`);
      view?.clear();
      stderr.write(`${colors.red('error:')} ${redact(text)}\n`);
    },
    diagnostics(lines, summary, items) {
      if (options.json) stdout.write(`${redact(JSON.stringify(diagnosticsDocument(summary, items ?? [])))}\n`);
      view?.clear();
      stderr.write(`${redact(lines)}\n${colors.red(summary)}\n`);
    },
    emit(event) {
      if (options.json) return void stdout.write(`${redact(JSON.stringify(eventDocument(event)))}\n`);
      view!.emit(event);
    },
    close() {
      view?.close();
    },
  };
}

/**
 * chooseView: a live view on a terminal (CONVERGE_PLAIN=1 or TERM=dumb asks for plain lines),
 * plain lines elsewhere, only errors with --quiet (progress/views.ts).
 */
function chooseView(stdout: NodeJS.WritableStream, colors: ReturnType<typeof pc.createColors>, quiet: boolean): ProgressView {
  const write = (text: string): void => void stdout.write(`${redact(text)}\n`);
  if (quiet) return quietView(write, colors);
  const tty = stdout as NodeJS.WriteStream;
  if (tty.isTTY && process.env.CONVERGE_PLAIN !== '1' && process.env.TERM !== 'dumb') return liveView(tty, colors, redact);
  return plainView(write, colors);
}
