/**
 * textLine turns one of the controller's JSON log lines into a line for people on a terminal:
 * `12:04:05.123 INFO  drift-detected resource=Infrastructure/lab object=vm/node-0 drift="…"`.
 * Written by hand rather than with pino-pretty: the lines already pass through our own writer
 * (for redaction), and the format is one small function, where pino-pretty would bring a dozen
 * dependencies and a worker thread. A line that is not JSON is passed through unchanged.
 */
import pc from 'picocolors';

const HIDDEN = new Set(['time', 'level', 'msg', 'pid']);
type Colors = ReturnType<typeof pc.createColors>;
const LEVEL_PAINT: Readonly<Record<string, (c: Colors) => (text: string) => string>> = {
  warn: (c) => c.yellow,
  error: (c) => c.red,
  fatal: (c) => c.red,
  debug: (c) => c.dim,
  trace: (c) => c.dim,
};

export function textLine(jsonLine: string, color: boolean): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(jsonLine) as Record<string, unknown>;
  } catch {
    return jsonLine;
  }
  const c = pc.createColors(color);
  const level = String(record.level ?? 'info');
  const paint = LEVEL_PAINT[level]?.(c) ?? ((text: string) => text);
  const time = typeof record.time === 'string' ? record.time.slice(11, 23) : '';
  const fields = Object.entries(record).filter(([key, value]) => !HIDDEN.has(key) && value !== undefined).map(([key, value]) => `${c.dim(`${key}=`)}${showValue(value)}`);
  return `${c.dim(time)} ${paint(level.toUpperCase().padEnd(5))} ${c.bold(String(record.msg ?? ''))}${fields.length > 0 ? ` ${fields.join(' ')}` : ''}\n`;
}

function showValue(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value);
}
