/**
 * BackgroundLane (src/backends/xenapi/api/background-lane.ts) holds calls nobody waits for
 * (task.destroy) while the calls channel has no socket to spare, so a VM's next call never queues
 * behind them; none is dropped or sent twice, order is kept, at most `maxWaiting` wait, and
 * `flush` (close's drain) sends all.
 */
import { describe, expect, it } from 'vitest';
import { BackgroundLane } from '../../src/backends/xenapi/api/background-lane.js';

/** A calls channel of 4 sockets whose in-flight count the test sets, and calls that count themselves. */
function setup(maxWaiting = 8) {
  const slots = { callsInFlight: 0, connections: 4 };
  const lane = new BackgroundLane(slots, { headroom: 1, maxWaiting });
  const sent: number[] = [];
  const send = (n: number) => lane.run(async () => {
    sent.push(n);
    return n;
  });
  return { slots, lane, sent, send };
}

describe('BackgroundLane', () => {
  it('sends at once while a socket is to spare (beyond the headroom), else holds the call until one is', async () => {
    const { slots, lane, sent, send } = setup();
    void send(1);
    expect(sent).toEqual([1]);
    slots.callsInFlight = 3; // 4 sockets, headroom 1: none to spare
    const held = [send(2), send(3)];
    expect(sent).toEqual([1]);
    expect(lane.waiting).toBe(2);
    lane.pump(); // a call ended, but the channel is still as busy
    expect(sent).toEqual([1]);
    slots.callsInFlight = 2;
    lane.pump();
    expect(sent).toEqual([1, 2, 3]); // in order, each once (the fake calls do not occupy a socket)
    expect(await Promise.all(held)).toEqual([2, 3]);
  });

  it('lets the oldest go once more than maxWaiting wait, so a busy run leaves few read tasks undestroyed', () => {
    const { slots, lane, sent, send } = setup(3);
    slots.callsInFlight = 10;
    for (let n = 1; n <= 6; n += 1) void send(n);
    expect(sent).toEqual([1, 2, 3]);
    expect(lane.waiting).toBe(3);
  });

  it('flush sends every waiting call (the driver drains them before it logs out)', () => {
    const { slots, lane, sent, send } = setup();
    slots.callsInFlight = 10;
    for (let n = 1; n <= 5; n += 1) void send(n);
    expect(sent).toEqual([]);
    lane.flush();
    expect(sent).toEqual([1, 2, 3, 4, 5]);
    expect(lane.waiting).toBe(0);
  });

  it('passes a failed call on to its caller, and keeps going', async () => {
    const { slots, lane } = setup();
    slots.callsInFlight = 10;
    const failed = lane.run(() => Promise.reject(new Error('HANDLE_INVALID')));
    const next = lane.run(() => Promise.resolve('ok'));
    lane.flush();
    await expect(failed).rejects.toThrow('HANDLE_INVALID');
    await expect(next).resolves.toBe('ok');
  });
});
