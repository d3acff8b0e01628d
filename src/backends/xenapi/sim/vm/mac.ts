/**
 * MAC addresses for VIFs created with MAC "" (xenapi.md §4): derived from the VM's
 * `other_config.mac_seed` and the device number, locally administered and unicast, so the same
 * VM and device always get the same address.
 */
import { createHash } from 'node:crypto';

export function macFromSeed(seed: string, device: string): string {
  const digest = createHash('md5').update(`${seed}${device}`).digest();
  const bytes = [...digest.subarray(0, 6)];
  bytes[0] = ((bytes[0] ?? 0) & 0xfe) | 0x02;
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
}

export const MAC_PATTERN = /^[0-9a-fA-F]{2}([:-][0-9a-fA-F]{2}){5}$/;
