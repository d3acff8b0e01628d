/**
 * DriftTracker tells a drift correction from an ordinary change: an object whose pass ended
 * converged is remembered with the fingerprint of the spec it converged to; a later create,
 * update or replace of it *for the same desired spec* repairs drift (someone halted the VM,
 * deleted the infrastructure), while one after a manifest edit is just the edit being applied.
 */
import type { DesiredObject } from '../../backends/driver.js';
import { fingerprint } from '../../util/json.js';

export class DriftTracker {
  readonly #converged = new Map<string, string>();

  /** converged remembers `desired` objects as converged to their current spec. */
  converged(desired: readonly DesiredObject[]): void {
    for (const d of desired) this.#converged.set(d.key, fingerprint(d.spec));
  }

  forget(objectKey: string): void {
    this.#converged.delete(objectKey);
  }

  /** isCorrection is true when acting on `desired` restores a spec it had converged to. */
  isCorrection(desired: DesiredObject | undefined): boolean {
    return desired !== undefined && this.#converged.get(desired.key) === fingerprint(desired.spec);
  }
}
