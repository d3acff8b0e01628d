/**
 * `converge validate [dir]`: load and check the manifests without contacting any backend.
 * Exit 0 when valid, 4 with every diagnostic (file:line:col: error: message [CODE]) otherwise.
 */
import { formatDiagnostic, hasErrors } from '../../manifest/diagnostics.js';
import { loadManifests } from '../../manifest/load-manifests.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import type { Output } from '../output.js';
import { machineDocument } from '../output/machine.js';

export async function validateCommand(dir: string, out: Output, options: { checkCredentials: boolean }): Promise<ExitCode> {
  const set = await loadManifests(dir, { checkCredentials: options.checkCredentials });
  const invalid = hasErrors(set);
  if (out.json) {
    out.record(machineDocument('Validation', { valid: !invalid, resources: set.resources.map((r) => `${r.kind}/${r.metadata.name}`), diagnostics: set.diagnostics }));
  } else {
    if (set.diagnostics.length > 0) out.diagnostics(set.diagnostics.map(formatDiagnostic).join('\n'), `${set.diagnostics.length} problem(s) in the manifests.`);
    if (!invalid) out.line(`${set.resources.length} resource(s) in ${set.files.length} file(s) are valid.`);
  }
  return invalid ? EXIT.invalid : EXIT.ok;
}
