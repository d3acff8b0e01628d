/**
 * Decoding a response the way the streaming decoder meets it on the wire, for the decoder's
 * differential tests: `body` cut at `cuts` (ascending offsets), each piece written in turn.
 */
import { decodeDateTime } from '../../src/xmlrpc/codec.js';
import type { Projection } from '../../src/xmlrpc/projection.js';
import { StreamingResponseDecoder } from '../../src/xmlrpc/streaming-decoder.js';
import type { XmlRpcValue } from '../../src/xmlrpc/value.js';

/** Outcome: a decoded response, or that the decoder refused it. */
export type Outcome = { fault: boolean; value: XmlRpcValue } | { error: true };

/** streamed decodes `body` cut at `cuts`, with `projection` when given; a refusal is `{ error: true }`. */
export function streamed(body: Buffer, cuts: number[], projection?: Projection): Outcome {
  const decoder = new StreamingResponseDecoder(decodeDateTime, projection);
  try {
    let from = 0;
    for (const cut of [...cuts, body.length]) {
      decoder.write(body.subarray(from, cut));
      from = cut;
    }
    return decoder.end();
  } catch {
    return { error: true };
  }
}
