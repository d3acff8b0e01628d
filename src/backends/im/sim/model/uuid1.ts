/**
 * Infrastructure ids look like IM's uuid1 strings (`2a60cbd6-e6fd-11f1-a960-02fc00000001`): the
 * time field comes from the virtual clock, the node is random per simulator (multicast bit set,
 * as RFC 4122 asks for a node that is not a MAC), and ticks never repeat within a process.
 */
import { randomBytes } from 'node:crypto';

const GREGORIAN_OFFSET = 0x01b21dd213814000n;

export class Uuid1Generator {
  readonly #node: string;
  readonly #clockSeq: number;
  #lastTicks = 0n;

  constructor() {
    const node = randomBytes(6);
    node[0] = (node[0] ?? 0) | 0x01;
    this.#node = node.toString('hex');
    this.#clockSeq = randomBytes(2).readUInt16BE(0) & 0x3fff;
  }

  next(nowMs: number): string {
    let ticks = BigInt(Math.floor(nowMs)) * 10000n + GREGORIAN_OFFSET;
    if (ticks <= this.#lastTicks) ticks = this.#lastTicks + 1n;
    this.#lastTicks = ticks;
    const hex = ticks.toString(16).padStart(15, '0');
    const timeLow = hex.slice(7, 15);
    const timeMid = hex.slice(3, 7);
    const timeHi = `1${hex.slice(0, 3)}`;
    const seq = (this.#clockSeq | 0x8000).toString(16).padStart(4, '0');
    return `${timeLow}-${timeMid}-${timeHi}-${seq}-${this.#node}`;
  }
}
