/**
 * The listen backlog of IM's SimpleXMLRPCServer (im.md (g)): more than 5 connections at once
 * cost a SYN retransmit each. The simulator holds a connection that arrives while 5 are in
 * service and counts it; the tests assert on that count, never on durations. Each call gets
 * its own connection, as from the real HTTP/1.0 server.
 */
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeResponse, encodeCall } from '../../../src/xmlrpc/codec.js';
import type { XmlRpcValue } from '../../../src/xmlrpc/value.js';
import { startTestSim, type TestSim } from './helpers.js';

/** ownConnection calls over a connection of its own (no agent), as a fresh client would. */
function ownConnection(url: string, method: string, params: XmlRpcValue[]): Promise<{ value: XmlRpcValue; connection: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent: false, headers: { 'Content-Type': 'text/xml' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        decodeResponse(Buffer.concat(chunks)).then((reply) => {
          if (!reply.ok) return reject(new Error(reply.faultString));
          resolve({ value: reply.value, connection: res.headers.connection });
        }, reject);
      });
    });
    req.on('error', reject);
    req.end(encodeCall(method, params));
  });
}

/** burst makes `count` GetVersion calls at once, each held 400 ms by the server so they overlap. */
async function burst(sim: TestSim, count: number): Promise<XmlRpcValue[]> {
  sim.sim.knobs.setLatency(400, 'GetVersion');
  const replies = await Promise.all(Array.from({ length: count }, () => ownConnection(sim.url, 'GetVersion', [])));
  sim.sim.knobs.setLatency(0, 'GetVersion');
  return replies.map((r) => r.value);
}

let sim: TestSim | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('listen backlog', () => {
  it('holds every connection beyond 5 in service, then serves it', async () => {
    sim = await startTestSim({ backlogPenaltyMs: 50 });
    expect(await burst(sim, 8)).toEqual(Array.from({ length: 8 }, () => [true, '1.19.2']));
    expect(await sim.call('converge.sim.backlogStats')).toEqual({ limit: 5, penaltyMs: 50, penalized: 3 });
  });

  it('holds nobody when the backlog is turned off, by option or by control call', async () => {
    sim = await startTestSim({ backlog: 0 });
    await burst(sim, 8);
    expect(await sim.call('converge.sim.backlogStats')).toEqual({ limit: 0, penaltyMs: 0, penalized: 0 });
    expect(await sim.call('converge.sim.setBacklog', 7, 20)).toBe(true);
    await burst(sim, 8);
    expect(await sim.call('converge.sim.backlogStats')).toEqual({ limit: 7, penaltyMs: 20, penalized: 1 });
  });

  it('closes each connection after its reply, as an HTTP/1.0 server does', async () => {
    sim = await startTestSim();
    expect(await ownConnection(sim.url, 'GetVersion', [])).toEqual({ value: [true, '1.19.2'], connection: 'close' });
  });
});
