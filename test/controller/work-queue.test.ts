/**
 * The work queue's contract (controller-runtime's workqueue): deduplication, no key handed to two
 * workers, re-queue of keys added while in flight, per-key capped exponential backoff reset by
 * forget; and the small rules around it (editor files the watcher ignores, --listen parsing,
 * resync jitter).
 */
import { describe, expect, it } from 'vitest';
import { KeyBackoff } from '../../src/controller/queue/key-backoff.js';
import { WorkQueue } from '../../src/controller/queue/work-queue.js';
import { isIgnoredPath } from '../../src/controller/watch/ignore-path.js';
import { parseListenAddress } from '../../src/controller/http/listen-address.js';
import { ResyncTimer } from '../../src/controller/resync-timer.js';

describe('WorkQueue', () => {
  it('hands out each key once however often it was added, in order', async () => {
    const q = new WorkQueue();
    for (const key of ['Infrastructure/web', 'VesselSet/m', 'Infrastructure/web', 'Infrastructure/web']) q.add(key);
    expect(q.depth).toBe(2);
    expect(await q.take()).toEqual(['Infrastructure/web', 'VesselSet/m']);
    expect(q.depth).toBe(0);
    expect(q.inFlight).toBe(2);
  });

  it('defers a key added while it is processed until its pass is done', async () => {
    const q = new WorkQueue();
    q.add('a');
    const [key] = (await q.take(1))!;
    q.add('a');
    expect(q.depth).toBe(0);
    q.done([key!]);
    expect(q.depth).toBe(1);
    expect(await q.take(1)).toEqual(['a']);
  });

  it('takes at most `max` keys and wakes a waiting worker on add', async () => {
    const q = new WorkQueue();
    const waiting = q.take(1);
    q.add('x');
    q.add('y');
    expect(await waiting).toEqual(['x']);
    expect(await q.take(1)).toEqual(['y']);
  });

  it('retries after a growing delay that forget resets, and an immediate add beats a delayed one', async () => {
    const q = new WorkQueue({ baseMs: 20, maxMs: 1000 });
    expect([q.retry('k'), q.retry('k'), q.retry('k')]).toEqual([20, 40, 80]);
    expect(q.delayed).toBe(1);
    q.add('k');
    expect(q.delayed).toBe(0);
    expect(await q.take()).toEqual(['k']);
    q.forget('k');
    expect(q.retry('k')).toBe(20);
  });

  it('queues a retried key once its delay has passed', async () => {
    const q = new WorkQueue({ baseMs: 30, maxMs: 30 });
    q.retry('k');
    expect(q.depth).toBe(0);
    expect(await q.take()).toEqual(['k']);
  });

  it('hands out nothing after shutDown, and wakes waiting workers with undefined', async () => {
    const q = new WorkQueue();
    const waiting = q.take();
    q.shutDown();
    q.add('late');
    expect(await waiting).toBeUndefined();
    expect(q.depth).toBe(0);
  });
});

describe('KeyBackoff', () => {
  it.each([
    { failures: 1, delay: 1_000, reason: 'the first retry waits the base delay' },
    { failures: 2, delay: 2_000, reason: 'each failure doubles the delay' },
    { failures: 5, delay: 16_000, reason: 'still doubling' },
    { failures: 9, delay: 256_000, reason: 'just under the cap' },
    { failures: 10, delay: 300_000, reason: 'capped at five minutes' },
    { failures: 80, delay: 300_000, reason: 'stays capped without overflowing' },
  ])('failure $failures waits $delay ms: $reason', ({ failures, delay }) => {
    const backoff = new KeyBackoff();
    let last = 0;
    for (let i = 0; i < failures; i += 1) last = backoff.next('k');
    expect(last).toBe(delay);
    expect(backoff.retries('k')).toBe(failures);
    expect(backoff.next('other')).toBe(1_000);
  });
});

describe('isIgnoredPath', () => {
  it.each([
    { path: 'web.yaml', ignored: false, reason: 'a manifest' },
    { path: 'teams/net/web.yml', ignored: false, reason: 'a manifest in a subdirectory' },
    { path: 'credentials/im-auth.dat', ignored: false, reason: 'a credential file a backend reads' },
    { path: '.web.yaml.swp', ignored: true, reason: 'vim swap file' },
    { path: 'web.yaml.swx', ignored: true, reason: 'vim swap file variant' },
    { path: 'web.yaml~', ignored: true, reason: 'editor backup' },
    { path: '4913', ignored: true, reason: "vim's write probe" },
    { path: '.#web.yaml', ignored: true, reason: 'emacs lock file' },
    { path: '#web.yaml#', ignored: true, reason: 'emacs autosave' },
    { path: '.converge/state.json', ignored: true, reason: "converge's own state" },
    { path: '.converge/sim/im-local.im.json', ignored: true, reason: 'embedded simulator state' },
    { path: '.git/HEAD', ignored: true, reason: 'hidden directory' },
    { path: 'node_modules/x/a.yaml', ignored: true, reason: 'dependencies' },
  ])('$path → ignored $ignored: $reason', ({ path, ignored }) => {
    expect(isIgnoredPath('/m', `/m/${path}`)).toBe(ignored);
  });
});

describe('parseListenAddress', () => {
  it.each([
    { value: '127.0.0.1:9321', any: false, result: { host: '127.0.0.1', port: 9321 }, reason: 'the default' },
    { value: '9400', any: false, result: { host: '127.0.0.1', port: 9400 }, reason: 'a bare port listens on loopback' },
    { value: '[::1]:0', any: false, result: { host: '::1', port: 0 }, reason: 'IPv6 loopback, any free port' },
    { value: 'localhost:80', any: false, result: { host: 'localhost', port: 80 }, reason: 'localhost is loopback' },
    { value: '0.0.0.0:9321', any: true, result: { host: '0.0.0.0', port: 9321 }, reason: 'every interface, when asked for explicitly' },
    { value: ':9321', any: true, result: { host: '0.0.0.0', port: 9321 }, reason: 'an empty host means every interface' },
  ])('$value (listen-any $any) → $result.host:$result.port: $reason', ({ value, any, result }) => {
    expect(parseListenAddress(value, any)).toEqual(result);
  });

  it.each([
    { value: '0.0.0.0:9321', message: /not a loopback address; add --listen-any/, reason: 'every interface needs --listen-any' },
    { value: '10.1.2.3:9321', message: /not a loopback address/, reason: 'a LAN address needs --listen-any' },
    { value: ':9321', message: /not a loopback address/, reason: 'an empty host is every interface' },
    { value: 'host:port', message: /expected HOST:PORT/, reason: 'the port must be a number' },
    { value: '127.0.0.1:70000', message: /expected HOST:PORT/, reason: 'ports stop at 65535' },
  ])('$value is refused: $reason', ({ value, message }) => {
    expect(() => parseListenAddress(value, false)).toThrow(message);
  });
});

describe('ResyncTimer', () => {
  it.each([
    { random: 0, delay: 540_000, reason: 'jitter can bring it 10% earlier' },
    { random: 0.5, delay: 600_000, reason: 'on average the period' },
    { random: 1, delay: 660_000, reason: 'or 10% later' },
  ])('random $random → $delay ms: $reason', ({ random, delay }) => {
    const timer = new ResyncTimer(600_000, () => undefined, 0.1, () => random);
    expect(timer.nextDelay()).toBe(delay);
    timer.stop();
  });
});
