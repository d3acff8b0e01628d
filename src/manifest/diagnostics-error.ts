/**
 * DiagnosticsError ends a command because of manifest diagnostics (MANIFESTS_INVALID, or
 * PLAN_CHECK_FAILED for problems a backend's check found at plan time). Its message is the
 * diagnostics in the compiler convention, one per line; `diagnostics` keeps them as data, so
 * that `--json` prints the same diagnostic objects as `validate --json` (docs/JSON.md).
 */
import { ConvergeError } from '../errors/converge-error.js';
import { formatDiagnostic } from './diagnostics.js';
import type { Diagnostic } from './types.js';

export class DiagnosticsError extends ConvergeError {
  readonly diagnostics: Diagnostic[];

  constructor(code: 'MANIFESTS_INVALID' | 'PLAN_CHECK_FAILED', diagnostics: Diagnostic[]) {
    super('INVALID', code, diagnostics.map(formatDiagnostic).join('\n'), { count: diagnostics.length });
    this.name = 'DiagnosticsError';
    this.diagnostics = diagnostics;
  }
}
