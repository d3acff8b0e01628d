/**
 * Events (xenapi.md §5): event.from tokens, coalescing, long-polls, EVENTS_LOST, event.inject and
 * the legacy event.register / event.next / event.unregister.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SEED_UUIDS } from '../../../src/backends/xenapi/sim/index.js';
import { startTestXen, XenFailure, type TestXen } from './helpers.js';

interface EventRecord {
  id: string;
  class: string;
  operation: 'add' | 'mod' | 'del';
  ref: string;
  timestamp: string;
  snapshot?: Record<string, unknown>;
}
interface Batch {
  events: EventRecord[];
  valid_ref_counts: Record<string, number>;
  token: string;
}

let xen: TestXen;
let template: string;
beforeEach(async () => {
  xen = await startTestXen({ eventLogLimit: 50 });
  template = await xen.client.ref('VM', SEED_UUIDS.templateDebianLocal);
});
afterEach(async () => xen.close());

const from = (classes: string[], token: string, timeout = 0): Promise<Batch> => xen.client.callAs<Batch>('event.from', classes, token, timeout);
const summary = (batch: Batch) => batch.events.map((e) => `${e.operation} ${e.class}`);

describe('event.from', () => {
  it('returns every object as an add for the empty token, with counts and a %020d,%020d token', async () => {
    const batch = await from(['*'], '');
    expect(batch.token).toMatch(/^\d{20},0{20}$/);
    expect(batch.events.every((e) => e.operation === 'add' && e.snapshot !== undefined)).toBe(true);
    expect(batch.valid_ref_counts).toMatchObject({ vm: 4, pool: 1, host: 1, sr: 2, task: 0, session: 1 });
    expect(new Set(batch.events.map((e) => e.class))).toEqual(new Set(['pool', 'host', 'host_metrics', 'vm', 'vm_metrics', 'sr', 'pbd', 'vdi', 'network', 'pif']));
  });

  let doomed = '';
  const rows: Array<{ reason: string; classes: string[]; setup?: () => Promise<unknown>; act: () => Promise<unknown>; expected: string[] }> = [
    {
      reason: 'a new object is one add with its latest snapshot, even after mods',
      classes: ['VM'],
      act: async () => {
        const vm = String(await xen.client.call('VM.clone', template, 'new'));
        await xen.client.call('VM.set_name_label', vm, 'renamed');
      },
      expected: ['add vm'],
    },
    {
      reason: 'class names match case-insensitively and unknown ones match nothing',
      classes: ['vm', 'no_such_class'],
      act: () => xen.client.call('VM.set_name_description', template, 'x'),
      expected: ['mod vm'],
    },
    {
      reason: 'dels come first, then mods, then adds',
      classes: ['vm'],
      setup: async () => (doomed = String(await xen.client.call('VM.clone', template, 'doomed'))),
      act: async () => {
        await xen.client.call('VM.clone', template, 'fresh');
        await xen.client.call('VM.set_name_description', template, 'y');
        await xen.client.call('VM.destroy', doomed);
      },
      expected: ['del vm', 'mod vm', 'add vm'],
    },
    {
      reason: 'an object added and deleted since the token is not reported',
      classes: ['vm'],
      act: async () => xen.client.call('VM.destroy', String(await xen.client.call('VM.clone', template, 'brief'))),
      expected: [],
    },
    {
      reason: 'class/ref subscribes to one object',
      classes: ['__TEMPLATE__'],
      act: async () => {
        await xen.client.call('VM.clone', template, 'other');
        await xen.client.call('VM.set_name_description', template, 'z');
      },
      expected: ['mod vm'],
    },
  ];
  it.each(rows)('$reason', async ({ classes, setup, act, expected }) => {
    const subscribed = classes.map((c) => (c === '__TEMPLATE__' ? `vm/${template}` : c));
    await setup?.();
    const { token } = await from(subscribed, '');
    await act();
    const batch = await from(subscribed, token);
    expect(summary(batch)).toEqual(expected);
    expect(batch.events.filter((e) => e.operation !== 'del').every((e) => e.snapshot !== undefined)).toBe(true);
    expect(batch.events.filter((e) => e.operation === 'del').every((e) => e.snapshot === undefined)).toBe(true);
  });

  it('blocks until a change and then returns promptly', async () => {
    const { token } = await from(['vm'], '');
    const started = Date.now();
    const pending = from(['vm'], token, 30);
    setTimeout(() => void xen.client.call('VM.set_name_description', template, 'wake'), 100);
    const batch = await pending;
    expect(summary(batch)).toEqual(['mod vm']);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('returns an empty batch with a token when the timeout passes', async () => {
    const { token } = await from(['vm'], '');
    await xen.client.call('task.create', 'unrelated', '');
    const batch = await from(['vm'], token, 0.2);
    expect(batch.events).toEqual([]);
    expect(batch.token > token).toBe(true);
  });

  it('includes task events', async () => {
    const { token } = await from(['task'], '');
    await xen.client.call('Async.VM.clone', template, 'x');
    expect(summary(await from(['task'], token))).toEqual(['add task']);
  });

  it('rejects a malformed token and reports EVENTS_LOST for a token older than the log', async () => {
    expect(await xen.client.fail('event.from', ['vm'], 'garbage', 0)).toEqual(['EVENT_FROM_TOKEN_PARSE_FAILURE', 'garbage']);
    const { token } = await from(['vm'], '');
    for (let i = 0; i < 60; i++) await xen.client.call('VM.set_name_description', template, `n${i}`);
    expect(await xen.client.fail('event.from', ['vm'], token, 0)).toEqual(['EVENTS_LOST']);
  });

  it('reports EVENTS_LOST after converge.sim.xenapi.dropEvents, then works from a new token', async () => {
    const { token } = await from(['vm'], '');
    await xen.client.control('converge.sim.xenapi.dropEvents');
    expect(await xen.client.fail('event.from', ['vm'], token, 0)).toEqual(['EVENTS_LOST']);
    const fresh = (await from(['vm'], '')).token;
    await xen.client.call('VM.set_name_description', template, 'after');
    expect(summary(await from(['vm'], fresh))).toEqual(['mod vm']);
  });

  it('answers SESSION_INVALID to a blocked call whose session logs out', async () => {
    const { token } = await from(['vm'], '');
    const pending = xen.client.call('event.from', ['vm'], token, 30).catch((e: XenFailure) => e.description);
    await new Promise((r) => setTimeout(r, 50));
    const session = xen.client.session;
    await xen.client.call('session.logout');
    expect(await pending).toEqual(['SESSION_INVALID', session]);
  });
});

describe('event.inject', () => {
  it('returns the token just before a mod event of the row', async () => {
    const pool = ((await xen.client.call('pool.get_all')) as string[])[0] ?? '';
    const token = String(await xen.client.call('event.inject', 'pool', pool));
    const batch = await from(['pool'], token);
    expect(batch.events).toEqual([expect.objectContaining({ class: 'pool', operation: 'mod', ref: pool })]);
    expect(await xen.client.fail('event.inject', 'VM', 'OpaqueRef:gone')).toEqual(['HANDLE_INVALID', 'VM', 'OpaqueRef:gone']);
  });

  it('counts the current generation in event.get_current_id', async () => {
    const before = Number(await xen.client.call('event.get_current_id'));
    await xen.client.call('VM.set_name_description', template, 'bump');
    expect(Number(await xen.client.call('event.get_current_id'))).toBeGreaterThan(before);
  });
});

describe('legacy event.register / event.next', () => {
  it('needs a registration: SESSION_NOT_REGISTERED [session]', async () => {
    expect(await xen.client.fail('event.next')).toEqual(['SESSION_NOT_REGISTERED', xen.client.session]);
  });

  it('returns the events since the last call, uncoalesced, with Unix timestamps', async () => {
    await xen.client.call('event.register', ['VM']);
    const vm = String(await xen.client.call('VM.clone', template, 'legacy'));
    await xen.client.call('VM.set_name_label', vm, 'legacy-2');
    const events = await xen.client.callAs<EventRecord[]>('event.next');
    const mine = events.filter((e) => e.ref === vm).map((e) => e.operation);
    expect(mine[0]).toBe('add');
    expect(mine).toContain('mod');
    expect(Number(events[0]?.timestamp)).toBeGreaterThan(1e9);
    const pending = xen.client.callAs<EventRecord[]>('event.next');
    setTimeout(() => void xen.client.call('VM.set_name_description', vm, 'later'), 50);
    expect((await pending).map((e) => e.operation)).toEqual(['mod']);
  });

  it('reports EVENTS_LOST once, then serves again after re-registering', async () => {
    await xen.client.call('event.register', ['*']);
    await xen.client.control('converge.sim.xenapi.dropEvents');
    expect(await xen.client.fail('event.next')).toEqual(['EVENTS_LOST']);
    await xen.client.call('event.unregister', ['*']);
    expect(await xen.client.fail('event.next')).toEqual(['SESSION_NOT_REGISTERED', xen.client.session]);
    await xen.client.call('event.register', ['pool']);
    const pool = ((await xen.client.call('pool.get_all')) as string[])[0] ?? '';
    await xen.client.call('pool.add_to_other_config', pool, 'k', 'v');
    expect((await xen.client.callAs<EventRecord[]>('event.next')).map((e) => `${e.operation} ${e.class}`)).toEqual(['mod pool']);
  });
});
