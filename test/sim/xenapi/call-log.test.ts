/**
 * The simulator's call log tells API failures from successes (xenapi.md §9): xapi answers a failed
 * call with `{Status: "Failure", ErrorDescription: [CODE, …]}` inside a normal XML-RPC response,
 * and the log records it as `failure:<CODE>`, not `ok`. An Async call that starts a task is ok
 * even when the task later fails: the call itself succeeded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_UUIDS } from '../../../src/backends/xenapi/sim/index.js';
import { startTestXen, type TestXen } from './helpers.js';

let xen: TestXen;
beforeAll(async () => {
  xen = await startTestXen();
});
afterAll(async () => xen.close());

describe('call log outcomes', () => {
  it('records Status Failure answers as failure:<CODE> and successes as ok', async () => {
    const log = xen.sim.knobs.log;
    const from = log.lastSeq;
    const template = await xen.client.ref('VM', SEED_UUIDS.templateDebian);
    await xen.client.fail('VM.get_record', 'OpaqueRef:00000000-0000-0000-0000-000000000000');
    await xen.client.fail('VM.start', template, false, false);
    await xen.client.fail('VM.no_such_method');
    await xen.client.control('converge.sim.xenapi.failNextTask', 'VM.clone', ['SR_FULL', 'x']);
    await xen.client.call('Async.VM.clone', template, 'doomed');

    expect(log.since(from).map((e) => [e.method, e.outcome])).toEqual([
      ['VM.get_by_uuid', 'ok'],
      ['VM.get_record', 'failure:HANDLE_INVALID'],
      ['VM.start', 'failure:VM_IS_TEMPLATE'],
      ['VM.no_such_method', 'failure:MESSAGE_METHOD_UNKNOWN'],
      ['Async.VM.clone', 'ok'],
    ]);
  });

  it('counts a failed login as a failure and keeps its password out of the log', async () => {
    const log = xen.sim.knobs.log;
    const from = log.lastSeq;
    await expect(xen.client.login('root', 'wrong')).rejects.toThrow(/SESSION_AUTHENTICATION_FAILED/);
    const [entry] = log.since(from);
    expect(entry).toMatchObject({ method: 'session.login_with_password', outcome: 'failure:SESSION_AUTHENTICATION_FAILED' });
    expect(JSON.stringify(entry)).not.toContain('wrong');
  });
});
