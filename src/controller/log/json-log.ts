/**
 * The controller's structured log: one JSON object per line on stdout (pino), each line passed
 * through the redactor on its way out, so a secret that slipped into an error message from a
 * backend never reaches a log collector. Fields: `time` (ISO 8601), `level` (a name), `msg`.
 * With `format: 'text'` each line is rewritten for people (text-line.ts) after redaction.
 */
import { pino, type Logger, type LevelWithSilent } from 'pino';
import { redact } from '../../errors/redact.js';
import { textLine } from './text-line.js';

export type { Logger };

/** LogFormat: `json`, one object per line for collectors; `text`, for people on a terminal. */
export type LogFormat = 'json' | 'text';

export interface JsonLogOptions {
  level: LevelWithSilent;
  /** format: `json` (default) or `text`, human lines (coloured when `color`). */
  format?: LogFormat;
  color?: boolean;
  /** write receives each line (default: stdout); tests and benchmarks capture it here. */
  write?(line: string): void;
}

/** createJsonLog makes the pino logger; `level` filters, every line is redacted. */
export function createJsonLog(options: JsonLogOptions): Logger {
  const write = options.write ?? ((line: string) => void process.stdout.write(line));
  return pino(
    {
      level: options.level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    { write: options.format === 'text' ? (line: string) => write(textLine(redact(line), options.color ?? false)) : (line: string) => write(redact(line)) },
  );
}
