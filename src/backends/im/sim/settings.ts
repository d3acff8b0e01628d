/**
 * Reading the change knobs from options and from `converge.sim.im.settings` (a struct with any
 * of createBaseMs, createMsPerVm, corruptConcurrentChanges); bad values are refused whole.
 */
import type { ChangeSettings } from './model/changes.js';

/** applySettings checks the knobs present in `input` and copies them into `settings`, which it returns. */
export function applySettings(settings: ChangeSettings, input: unknown): ChangeSettings {
  if (input === undefined || input === null) return settings;
  if (typeof input !== 'object' || Array.isArray(input)) throw new Error('settings must be a struct');
  const raw = input as Record<string, unknown>;
  const next = { ...settings };
  for (const key of ['createBaseMs', 'createMsPerVm'] as const) {
    if (raw[key] === undefined) continue;
    const value = Number(raw[key]);
    if (!Number.isFinite(value) || value < 0) throw new Error(`${key} must be milliseconds >= 0, got ${String(raw[key])}`);
    next[key] = value;
  }
  if (raw.corruptConcurrentChanges !== undefined) {
    if (typeof raw.corruptConcurrentChanges !== 'boolean') throw new Error('corruptConcurrentChanges must be a boolean');
    next.corruptConcurrentChanges = raw.corruptConcurrentChanges;
  }
  return Object.assign(settings, next);
}
