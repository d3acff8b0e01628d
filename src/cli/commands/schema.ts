/**
 * `converge schema [kind]`: print the JSON Schema for editors (`# yaml-language-server:
 * $schema=<file>` at the top of a manifest): with no kind, the one schema for any manifest
 * document (it selects the kind's schema by `kind`); with a kind, that kind's schema.
 */
import { ConvergeError } from '../../errors/converge-error.js';
import { manifestSchema, schemaFor } from '../../manifest/schema.js';
import type { Kind } from '../../manifest/types.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import type { Output } from '../output.js';

const KINDS: Kind[] = ['Backend', 'Infrastructure', 'Slice', 'VesselSet'];

export function schemaCommand(kind: string | undefined, _out: Output): ExitCode {
  if (kind === undefined) {
    process.stdout.write(`${JSON.stringify(manifestSchema(), null, 2)}\n`);
    return EXIT.ok;
  }
  const match = KINDS.find((k) => k.toLowerCase() === kind.toLowerCase());
  if (!match) throw new ConvergeError('INVALID', 'USAGE', `unknown kind ${kind}; kinds are ${KINDS.join(', ')}`);
  process.stdout.write(`${JSON.stringify(schemaFor(match), null, 2)}\n`);
  return EXIT.ok;
}
