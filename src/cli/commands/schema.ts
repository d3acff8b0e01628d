/**
 * `converge schema [kind]`: print the JSON Schema of a kind (or all of them, keyed by kind), for
 * editors: `# yaml-language-server: $schema=<file>` at the top of a manifest.
 */
import { ConvergeError } from '../../errors/converge-error.js';
import { schemaFor } from '../../manifest/schema.js';
import type { Kind } from '../../manifest/types.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import type { Output } from '../output.js';

const KINDS: Kind[] = ['Backend', 'Infrastructure', 'Slice', 'VesselSet'];

export function schemaCommand(kind: string | undefined, out: Output): ExitCode {
  if (kind === undefined) {
    out.record(Object.fromEntries(KINDS.map((k) => [k, schemaFor(k)])));
    return EXIT.ok;
  }
  const match = KINDS.find((k) => k.toLowerCase() === kind.toLowerCase());
  if (!match) throw new ConvergeError('INVALID', 'USAGE', `unknown kind ${kind}; kinds are ${KINDS.join(', ')}`);
  process.stdout.write(`${JSON.stringify(schemaFor(match), null, 2)}\n`);
  return EXIT.ok;
}
