/**
 * IdSource mints uuids and `OpaqueRef:<uuid>` refs: random by default, or from a seeded PRNG so
 * that golden tests see the same ids on every run (xenapi.md §7.13).
 */
import { randomUUID } from 'node:crypto';
import { seededRandom } from '../../../../xmlrpc/sim/fault-rules.js';

export class IdSource {
  readonly #random: (() => number) | undefined;

  constructor(seed?: number) {
    this.#random = seed === undefined ? undefined : seededRandom(seed);
  }

  uuid(): string {
    const random = this.#random;
    if (!random) return randomUUID();
    const bytes = Array.from({ length: 16 }, () => Math.floor(random() * 256));
    bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
    bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
    const hex = bytes.map((b) => b.toString(16).padStart(2, '0')).join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  ref(): string {
    return `OpaqueRef:${this.uuid()}`;
  }
}
