/**
 * Backend `options` the xenapi driver reads (the manifest passes them through unchanged):
 *
 *   options:
 *     sr: Local storage          # SR (name_label or uuid) for extra disks; default: the pool's default SR
 *     shutdownTimeout: 60s       # clean_shutdown, then hard_shutdown after this long
 *     networks:                  # manifest network name → name_label of an existing network
 *       lan: Pool-wide network associated with eth0
 */
import { ConvergeError } from '../../errors/converge-error.js';
import { parseDuration } from '../../manifest/units.js';

export interface XenOptions {
  sr?: string;
  shutdownTimeoutMs: number;
  networks: Record<string, string>;
}

const DEFAULT_SHUTDOWN_TIMEOUT_MS = 60_000;

export function parseXenOptions(options: Record<string, unknown>, backend: string): XenOptions {
  const bad = (field: string, want: string): ConvergeError =>
    new ConvergeError('INVALID', 'XEN_OPTIONS', `backend ${backend}: options.${field} must be ${want}`);
  const parsed: XenOptions = { shutdownTimeoutMs: DEFAULT_SHUTDOWN_TIMEOUT_MS, networks: {} };
  if (options.sr !== undefined) {
    if (typeof options.sr !== 'string' || options.sr === '') throw bad('sr', 'an SR name_label or uuid');
    parsed.sr = options.sr;
  }
  if (options.shutdownTimeout !== undefined) {
    const duration = parseDuration(options.shutdownTimeout as string);
    if (!duration.ok) throw bad('shutdownTimeout', `a duration (${duration.message})`);
    parsed.shutdownTimeoutMs = duration.value;
  }
  if (options.networks !== undefined) {
    const networks = options.networks;
    if (typeof networks !== 'object' || networks === null || Array.isArray(networks)) throw bad('networks', 'a map of network name → name_label');
    for (const [name, label] of Object.entries(networks)) {
      if (typeof label !== 'string' || label === '') throw bad(`networks.${name}`, 'a network name_label');
      parsed.networks[name] = label;
    }
  }
  return parsed;
}
