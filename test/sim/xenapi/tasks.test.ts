/**
 * Async calls and tasks (xenapi.md §5): progress on the virtual clock, results as XML-RPC
 * values, failures in error_info, cancel and destroy, VM current_operations while pending, and
 * garbage collection.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SEED_UUIDS } from '../../../src/backends/xenapi/sim/index.js';
import { startTestXen, type TestXen } from './helpers.js';

const TASK_MS = 10_000;
let xen: TestXen;
let template: string;
beforeEach(async () => {
  xen = await startTestXen({ taskDurationMs: TASK_MS });
  template = await xen.client.ref('VM', SEED_UUIDS.templateDebianLocal);
});
afterEach(async () => xen.close());

const advance = (ms: number) => xen.client.control('converge.sim.advanceClock', ms / 1000);
const task = (ref: string) => xen.client.record('task', ref);

async function haltedVm(): Promise<string> {
  const vm = String(await xen.client.call('VM.clone', template, 'vm'));
  await xen.client.call('VM.provision', vm);
  return vm;
}

describe('task lifecycle', () => {
  it('progresses with the virtual clock and stores the result as an XML-RPC value', async () => {
    const ref = String(await xen.client.call('Async.VM.clone', template, 'async'));
    expect(await task(ref)).toMatchObject({ status: 'pending', progress: 0, name_label: 'Async.VM.clone', allowed_operations: ['cancel'] });
    expect((await task(ref)).finished).toEqual(new Date(0));
    await advance(TASK_MS / 2);
    const half = Number((await task(ref)).progress);
    expect(half).toBeGreaterThanOrEqual(0.5);
    expect(half).toBeLessThan(0.6);
    await advance(TASK_MS);
    const done = await task(ref);
    expect(done).toMatchObject({ status: 'success', progress: 1, error_info: [] });
    const created = /^<value>(OpaqueRef:[0-9a-f-]{36})<\/value>$/.exec(String(done.result))?.[1];
    expect(await xen.client.call('VM.get_name_label', String(created))).toBe('async');
  });

  const failures: Array<{ reason: string; start: () => Promise<string>; expected: (ctx: { task: string }) => string[] }> = [
    {
      reason: 'an operation the VM does not allow fails the task at once',
      start: async () => String(await xen.client.call('Async.VM.start', template, false, false)),
      expected: () => ['VM_IS_TEMPLATE', template, 'start'],
    },
    {
      reason: 'an unknown VM fails the task, not the call',
      start: async () => String(await xen.client.call('Async.VM.start', 'OpaqueRef:gone', false, false)),
      expected: () => ['HANDLE_INVALID', 'VM', 'OpaqueRef:gone'],
    },
    {
      reason: 'failNextTask makes the next task of the method fail with the given error',
      start: async () => {
        await xen.client.control('converge.sim.xenapi.failNextTask', 'VM.clone', ['SR_BACKEND_FAILURE_44', '', 'no space', '']);
        return String(await xen.client.call('Async.VM.clone', template, 'x'));
      },
      expected: () => ['SR_BACKEND_FAILURE_44', '', 'no space', ''],
    },
    {
      reason: 'task.cancel ends it cancelled with TASK_CANCELLED',
      start: async () => {
        const ref = String(await xen.client.call('Async.VM.clone', template, 'x'));
        await xen.client.call('task.cancel', ref);
        return ref;
      },
      expected: ({ task: t }) => ['TASK_CANCELLED', t],
    },
  ];
  it.each(failures)('$reason', async ({ start, expected }) => {
    const ref = await start();
    await advance(TASK_MS + 1);
    const rec = await task(ref);
    expect(rec.status).toBe(expected({ task: ref })[0] === 'TASK_CANCELLED' ? 'cancelled' : 'failure');
    expect(rec.error_info).toEqual(expected({ task: ref }));
    expect(rec.finished).not.toEqual(new Date(0));
  });

  it('refuses to cancel a finished task', async () => {
    const ref = String(await xen.client.call('Async.VM.clone', template, 'x'));
    await advance(TASK_MS + 1);
    expect(await xen.client.fail('task.cancel', ref)).toEqual(['OPERATION_NOT_ALLOWED', 'Task is not pending']);
  });

  it('answers Async. of a method without async form with a Fault, and bad sessions at once', async () => {
    expect(await xen.client.fail('Async.pool.get_all')).toEqual(['Fault', 'No async mode for this operation (rpc: Async.pool.get_all)']);
    expect(await xen.client.bare('Async.VM.clone', 'OpaqueRef:stale', template, 'x').catch((e: { description: string[] }) => e.description)).toEqual([
      'SESSION_INVALID',
      'OpaqueRef:stale',
    ]);
  });

  it('destroys a finished task at once and a pending one when it finishes', async () => {
    const finished = String(await xen.client.call('Async.VM.clone', template, 'a'));
    const pending = String(await xen.client.call('Async.VM.clone', template, 'b'));
    await advance(TASK_MS / 2);
    const late = String(await xen.client.call('Async.VM.clone', template, 'c'));
    await advance(TASK_MS / 2 + 1);
    await xen.client.call('task.destroy', finished);
    await xen.client.call('task.destroy', late);
    expect(await xen.client.fail('task.get_status', finished)).toEqual(['HANDLE_INVALID', 'task', finished]);
    expect(await xen.client.call('task.get_status', late)).toBe('pending');
    await advance(TASK_MS);
    expect(await xen.client.fail('task.get_status', late)).toEqual(['HANDLE_INVALID', 'task', late]);
    expect(await xen.client.call('task.get_status', pending)).toBe('success');
  });

  it('collects finished tasks 65 virtual minutes after they finish', async () => {
    const ref = String(await xen.client.call('Async.VM.clone', template, 'a'));
    await advance(TASK_MS + 1);
    expect(await xen.client.call('task.get_status', ref)).toBe('success');
    await advance(66 * 60 * 1000);
    expect(await xen.client.call('task.get_all')).toEqual([]);
  });

  it('serves task.create tasks that the caller drives', async () => {
    const ref = String(await xen.client.call('task.create', 'import', 'upload of disk 0'));
    await xen.client.call('task.set_progress', ref, 0.5);
    await xen.client.call('task.set_status', ref, 'success');
    expect(await task(ref)).toMatchObject({ name_label: 'import', status: 'success', progress: 0.5 });
  });
});

describe('VM operations held by pending tasks', () => {
  it('lists the task in current_operations and refuses conflicting calls', async () => {
    const vm = await haltedVm();
    const clone = String(await xen.client.call('Async.VM.clone', vm, 'copy-1'));
    const rec = await xen.client.record('VM', vm);
    expect(rec.current_operations).toEqual({ [clone]: 'clone' });
    expect(rec.allowed_operations).not.toContain('start');
    expect(await xen.client.fail('VM.start', vm, false, false)).toEqual(['OTHER_OPERATION_IN_PROGRESS', 'VM', vm, 'clone', clone]);
    const copy = String(await xen.client.call('Async.VM.copy', vm, 'copy-2', 'OpaqueRef:NULL'));
    const start = String(await xen.client.call('Async.VM.start', vm, false, false));
    expect(await xen.client.call('task.get_error_info', start)).toEqual(['OTHER_OPERATION_IN_PROGRESS', 'VM', vm, 'clone', clone]);
    await advance(TASK_MS + 1);
    expect([await xen.client.call('task.get_status', clone), await xen.client.call('task.get_status', copy)]).toEqual(['success', 'success']);
    expect(await xen.client.call('VM.get_current_operations', vm)).toEqual({});
  });

  it('releases the operation when the task is cancelled', async () => {
    const vm = await haltedVm();
    const start = String(await xen.client.call('Async.VM.start', vm, false, false));
    await xen.client.call('task.cancel', start);
    expect(await xen.client.call('VM.get_current_operations', vm)).toEqual({});
    expect(await xen.client.call('VM.get_power_state', vm)).toBe('Halted');
  });

  it('runs tasks in real time too (small default duration)', async () => {
    const quick = await startTestXen();
    try {
      const ref = String(await quick.client.call('Async.VM.clone', await quick.client.ref('VM', SEED_UUIDS.templateOther), 'q'));
      const deadline = Date.now() + 3000;
      while ((await quick.client.call('task.get_status', ref)) === 'pending' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      expect(await quick.client.call('task.get_status', ref)).toBe('success');
    } finally {
      await quick.close();
    }
  });
});
