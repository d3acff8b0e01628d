/** Per-request helpers of the XML-RPC server (server.ts), kept cheap for the simulators' hot path. */

/** PLAIN_PATH: a path the URL parser leaves as it is (no dot segments, escapes, query or empty segments). */
const PLAIN_PATH = /^(\/[A-Za-z0-9_-]+)*\/?$/;

/** requestPath is the request's path without query; a plain path among `paths` skips the URL parser. */
export function requestPath(url: string, paths: readonly string[]): string {
  return paths.includes(url) && PLAIN_PATH.test(url) ? url : new URL(url, 'http://x').pathname;
}

/**
 * ClientGone makes the AbortSignal of a call only when something asks for it (most handlers never
 * do, and an AbortController per request showed in profiles); it is aborted, or born aborted,
 * once the client left before the answer.
 */
export class ClientGone {
  #controller: AbortController | undefined;
  #left = false;

  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.#left) this.#controller.abort();
    }
    return this.#controller.signal;
  }

  left(): void {
    this.#left = true;
    this.#controller?.abort();
  }
}
