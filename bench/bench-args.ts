/**
 * benchArgs parses a benchmark's flags with node:util's parseArgs, and answers as a command
 * should: `--help` prints the flags with their defaults and the usage lines of the script's
 * header comment; an unknown or malformed flag prints the error and the same text on stderr and
 * exits 2, instead of a stack trace.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;
type Values<O extends Options> = ReturnType<typeof parseArgs<{ options: O }>>['values'];

/** script: the benchmark's `import.meta.url` (or its path), for the usage text. */
export function benchArgs<O extends Options>(script: string, options: O, args: string[] = process.argv.slice(2)): Values<O> {
  const file = script.startsWith('file:') ? fileURLToPath(script) : script;
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${usage(file, options)}\n`);
    process.exit(0);
  }
  try {
    return parseArgs({ args, options, strict: true }).values as Values<O>;
  } catch (error) {
    if (!isParseArgsError(error)) throw error;
    process.stderr.write(`${basename(file)}: ${error.message}\n\n${usage(file, options)}\n`);
    process.exit(2);
  }
}

/** usage lists the flags (with defaults) and the header comment's command lines (`npm run …`, `node …`). */
export function usage(file: string, options: Options): string {
  const flags = Object.entries(options).map(([name, o]) => {
    const value = o.type === 'string' ? ' VALUE' : '';
    const fallback = o.default === undefined ? '' : ` (default ${JSON.stringify(o.default)})`;
    return `  --${name}${value}${fallback}`;
  });
  return [`usage: node ${basename(file)} [flags]`, 'flags:', ...flags, ...examples(file)].join('\n');
}

function examples(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const header = /^\/\*\*([\s\S]*?)\*\//.exec(text)?.[1] ?? '';
  const lines = header
    .split('\n')
    .map((line) => line.replace(/^\s*\*\s?/, ''))
    .filter((line) => /^\s+(npm run|node) /.test(line));
  return lines.length > 0 ? ['examples:', ...lines] : [];
}

function isParseArgsError(error: unknown): error is Error & { code: string } {
  const code = error instanceof Error ? (error as Error & { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}
