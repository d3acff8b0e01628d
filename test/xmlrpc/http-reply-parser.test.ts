/**
 * HttpReplyParser (the connection-per-call transport's HTTP reading) gives the same status,
 * headers and body however the connection's bytes are cut: each framing (Content-Length,
 * chunked with extensions and trailers, to the connection's end) split at every offset, with a 1xx
 * before it; and it tells a reply cut short (ECONNRESET) from one it does not understand.
 */
import { describe, expect, it } from 'vitest';
import { HttpReplyParser } from '../../src/xmlrpc/http-reply-parser.js';

interface Seen { statuses: number[]; headers: string[][]; body: string; complete: number }

function parse(pieces: Buffer[], closes = false): Seen {
  const seen: Seen = { statuses: [], headers: [], body: '', complete: 0 };
  const parser = new HttpReplyParser('m', {
    onHeaders: (status, headers) => (seen.statuses.push(status), seen.headers.push(headers), true),
    onData: (chunk) => ((seen.body += chunk.toString('latin1')), true),
    onComplete: () => void (seen.complete += 1),
  });
  for (const piece of pieces) parser.write(piece);
  if (closes) parser.end();
  return seen;
}

const BODY = '<?xml version="1.0"?><methodResponse><params><param><value><string>r\u00e9ponse</string></value></param></params></methodResponse>';
const body = Buffer.from(BODY);
const CONTINUE = 'HTTP/1.1 100 Continue\r\n\r\n';
const framings: Record<string, { bytes: Buffer; closes: boolean }> = {
  length: { bytes: Buffer.concat([Buffer.from(`${CONTINUE}HTTP/1.0 200 OK\r\nContent-Type: text/xml\r\nContent-Length: ${body.length}\r\n\r\n`), body, Buffer.from('ignored after the body')]), closes: false },
  chunked: {
    bytes: Buffer.concat([Buffer.from(`${CONTINUE}HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10;a=b\r\n`), body.subarray(0, 16), Buffer.from(`\r\n${(body.length - 16).toString(16)}\r\n`), body.subarray(16), Buffer.from('\r\n0\r\nTrailer: x\r\n\r\n')]),
    closes: false,
  },
  eof: { bytes: Buffer.concat([Buffer.from('HTTP/1.0 200 OK\r\nContent-Type: text/xml\r\n\r\n'), body]), closes: true },
};

describe('HttpReplyParser', () => {
  for (const [name, { bytes, closes }] of Object.entries(framings)) {
    it(`reads a ${name}-framed reply cut at every offset`, () => {
      for (let cut = 0; cut <= bytes.length; cut++) {
        const seen = parse([bytes.subarray(0, cut), bytes.subarray(cut)], closes);
        expect([cut, seen.statuses.at(-1), seen.body, seen.complete]).toEqual([cut, 200, body.toString('latin1'), 1]);
      }
      expect(parse(Array.from(bytes, (b) => Buffer.from([b])), closes).body).toBe(body.toString('latin1'));
    });
  }

  it('a reply cut short is ECONNRESET at the close; one it does not understand is XMLRPC_BAD_RESPONSE', () => {
    const cut = framings.length!.bytes.subarray(0, 100);
    expect(() => parse([cut], true)).toThrow(expect.objectContaining({ code: 'ECONNRESET' }));
    expect(() => parse([Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n')])).toThrow(expect.objectContaining({ code: 'XMLRPC_BAD_RESPONSE' }));
    expect(() => parse([Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n')])).toThrow(expect.objectContaining({ code: 'XMLRPC_BAD_RESPONSE' }));
    expect(() => parse([Buffer.from('HTTP/1.1 200 OK\r\nno colon\r\n\r\n')])).toThrow(expect.objectContaining({ code: 'XMLRPC_BAD_RESPONSE' }));
    expect(() => parse([Buffer.from(`HTTP/1.1 200 OK\r\nX: ${'y'.repeat(70_000)}`)])).toThrow(/over 65536 bytes/);
    expect(parse([Buffer.from('HTTP/1.1 204 No Content\r\n\r\n')]).complete).toBe(1);
  });
});
