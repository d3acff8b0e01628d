/**
 * The server's per-request shortcuts must answer as the slow ways did: the path as the URL parser
 * reads it, and a call's signal aborted whenever the client left, whether a handler asked for the
 * signal before or after.
 */
import { describe, expect, it } from 'vitest';
import { ClientGone, requestPath } from '../../src/xmlrpc/server-request.js';

describe('server request helpers', () => {
  it('reads every path as the URL parser does', () => {
    const paths = ['/', '/RPC2', '/x/', '/a/../RPC2', '//RPC2', '/RPC2/'];
    const urls = ['/', '/RPC2', '/RPC2?x=1', '/RPC2#f', '/a/../RPC2', '/./RPC2', '//RPC2', '/%52PC2', '/x/', '/RPC2/', '/other', '/RPC2\\'];
    for (const url of urls) expect(requestPath(url, paths), url).toBe(new URL(url, 'http://x').pathname);
  });

  it('aborts the signal of a call whose client left, asked for before or after', () => {
    const early = new ClientGone();
    const signal = early.signal;
    expect(signal.aborted).toBe(false);
    early.left();
    expect(signal.aborted).toBe(true);
    const late = new ClientGone();
    late.left();
    expect(late.signal.aborted).toBe(true);
    expect(new ClientGone().signal.aborted).toBe(false);
  });
});
