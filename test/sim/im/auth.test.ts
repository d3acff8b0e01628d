/**
 * Identity, ownership and cloud selection: the IM entry is the identity, ownership is per
 * infrastructure, the credential check comes before the infrastructure lookup, and "not found"
 * before "not yours". Also GetInfrastructureList: owner filter, regex filter, last-saved order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { XmlRpcValue } from '../../../src/xmlrpc/value.js';
import { AUTH, OTHER_AUTH, TRANSCRIPT_RADL, createInfra, ok, startTestSim, type TestSim } from './helpers.js';

const IM = AUTH[0] ?? {};
const ONE_VM = TRANSCRIPT_RADL.replace('deploy node 2', 'deploy node 1');

describe('auth errors and their order', () => {
  let sim: TestSim;
  let inf: string;
  beforeAll(async () => {
    sim = await startTestSim();
    inf = await createInfra(sim, ONE_VM);
  });
  afterAll(async () => sim.close());

  const rows: Array<{ reason: string; inf?: string; vm?: string; auth: XmlRpcValue; error: string }> = [
    { reason: 'no IM entry at all', auth: [{ type: 'Dummy' }], error: 'No credentials provided for the InfrastructureManager.' },
    { reason: 'an auth that is not a list reads as no entries', auth: 'user:pass', error: 'No credentials provided for the InfrastructureManager.' },
    { reason: 'an IM entry needs a username or a token', auth: [{ type: 'InfrastructureManager', password: 'x' }], error: 'No username nor token for the InfrastructureManager.' },
    { reason: '__OPENID__ names need a token', auth: [{ type: 'InfrastructureManager', username: '__OPENID__x', password: 'p' }], error: 'Invalid username used for the InfrastructureManager.' },
    { reason: 'a bad id on any entry is checked first', auth: [{ ...IM }, { id: '9cloud', type: 'Dummy' }], error: 'Incorrect value in auth item id: 9cloud' },
    { reason: 'credentials are checked before the infrastructure id', inf: 'no-such-inf', auth: [{ type: 'Dummy' }], error: 'No credentials provided for the InfrastructureManager.' },
    { reason: 'an unknown id is not found before ownership is checked', inf: 'no-such-inf', auth: OTHER_AUTH, error: 'Invalid infrastructure ID or access not granted.' },
    { reason: 'someone else infrastructure', auth: OTHER_AUTH, error: 'Access to this infrastructure not granted.' },
    { reason: 'the same username with another password is someone else', auth: [{ ...IM, password: 'other' }], error: 'Access to this infrastructure not granted.' },
    { reason: 'ownership is checked before the VM id', vm: '99', auth: OTHER_AUTH, error: 'Access to this infrastructure not granted.' },
  ];
  it.each(rows)('$reason', async ({ inf: infId, vm, auth, error }) => {
    const result = vm
      ? await sim.call('GetVMInfo', infId ?? inf, vm, auth)
      : await sim.call('GetInfrastructureInfo', infId ?? inf, auth);
    expect(result).toEqual([false, error]);
  });

  it('accepts the owner with only the IM entry (Dummy needs no cloud credentials)', async () => {
    expect(await sim.call('GetInfrastructureInfo', inf, [IM])).toEqual([true, ['0']]);
  });

  it('accepts any of several IM entries', async () => {
    expect(await sim.call('GetInfrastructureInfo', inf, [OTHER_AUTH[0] ?? {}, IM])).toEqual([true, ['0']]);
  });

  it('adds owners, then replaces them with overwrite', async () => {
    const other = [OTHER_AUTH[0] ?? {}];
    expect(await sim.call('ChangeInfrastructureAuth', inf, other, false, AUTH)).toEqual([true, '']);
    expect(await sim.call('GetInfrastructureInfo', inf, OTHER_AUTH)).toEqual([true, ['0']]);
    expect(await sim.call('ChangeInfrastructureAuth', inf, [{ type: 'Dummy' }], true, AUTH)).toEqual([false, 'No credentials provided for the InfrastructureManager.']);
    expect(await sim.call('ChangeInfrastructureAuth', inf, other, true, AUTH)).toEqual([true, '']);
    expect(await sim.call('GetInfrastructureOwners', inf, OTHER_AUTH)).toEqual([true, ['other']]);
    expect(await sim.call('GetInfrastructureInfo', inf, AUTH)).toEqual([false, 'Access to this infrastructure not granted.']);
  });
});

describe('cloud selection', () => {
  let sim: TestSim;
  beforeAll(async () => {
    sim = await startTestSim();
  });
  afterAll(async () => sim.close());

  const rows: Array<{ reason: string; radl: string; auth: XmlRpcValue; result: XmlRpcValue }> = [
    { reason: 'no cloud entry', radl: ONE_VM, auth: [IM], result: [false, 'No cloud provider available'] },
    { reason: 'a deploy naming a cloud that is not in the auth', radl: `${ONE_VM} nosuch`, auth: AUTH, result: [false, 'No auth data for cloud with ID: nosuch'] },
    { reason: 'a default cloud id is <type><index>', radl: `${ONE_VM} Dummy1`, auth: [IM, { type: 'Dummy' }], result: [true, expect.any(String)] },
    { reason: 'only Dummy is supported', radl: ONE_VM, auth: [IM, { type: 'OpenStack', host: 'x' }], result: [false, "Cloud provider not supported: OpenStack (error: No module named 'IM.connectors.OpenStack')"] },
    { reason: 'every cloud entry gets a connector, even unused ones', radl: `${ONE_VM} dummy`, auth: [...AUTH, { id: 'ec2', type: 'EC2' }], result: [false, "Cloud provider not supported: EC2 (error: No module named 'IM.connectors.EC2')"] },
    { reason: 'a RADL without deploys needs no cloud', radl: "system a ( cpu.count = 1 )", auth: [IM], result: [true, expect.any(String)] },
  ];
  it.each(rows)('$reason', async ({ radl, auth, result }) => {
    expect(await sim.call('CreateInfrastructure', radl, auth)).toEqual(result);
  });

  it('a RADL without deploys gives a failed infrastructure', async () => {
    const inf = String(ok(await sim.call('CreateInfrastructure', 'system a ( cpu.count = 1 )', AUTH)));
    expect(ok(await sim.call('GetInfrastructureState', inf, AUTH))).toEqual({ state: 'failed', vm_states: {} });
    expect(String(ok(await sim.call('GetInfrastructureContMsg', inf, AUTH)))).toMatch(/: Infrastructure without any deploy\. Exiting\.\n$/);
  });

  it('places VMs on the named Dummy cloud', async () => {
    const inf = String(ok(await sim.call('CreateInfrastructure', `${ONE_VM} second`, [IM, { id: 'first', type: 'Dummy' }, { id: 'second', type: 'Dummy' }])));
    expect(sim.sim.dump().infrastructures.find((i) => i.id === inf)?.vms).toHaveLength(1);
    const exported = JSON.parse(String(ok(await sim.call('ExportInfrastructure', inf, false, AUTH)))) as { vm_list: Array<{ cloud: { id: string } }> };
    expect(exported.vm_list[0]?.cloud.id).toBe('second');
  });
});

describe('user DB', () => {
  let sim: TestSim;
  beforeAll(async () => {
    sim = await startTestSim({ users: [{ username: 'user', password: 'pass' }] });
  });
  afterAll(async () => sim.close());

  it('rejects users that are not listed and accepts listed ones', async () => {
    expect(await sim.call('GetInfrastructureList', OTHER_AUTH)).toEqual([false, 'Invalid InfrastructureManager credentials']);
    expect(await sim.call('GetInfrastructureList', AUTH)).toEqual([true, []]);
  });

  it('rejects a listed user with a wrong password on every call', async () => {
    const inf = await createInfra(sim, ONE_VM);
    const wrong = [{ ...IM, password: 'wrong' }, AUTH[1] ?? {}];
    const calls: Array<[string, ...XmlRpcValue[]]> = [
      ['GetInfrastructureList', wrong],
      ['CreateInfrastructure', ONE_VM, wrong],
      ['GetInfrastructureInfo', inf, wrong],
      ['GetInfrastructureInfo', 'no-such-inf', wrong],
      ['GetVMInfo', inf, '0', wrong],
      ['DestroyInfrastructure', inf, wrong],
    ];
    for (const [method, ...params] of calls) {
      expect({ method, result: await sim.call(method, ...params) }).toEqual({ method, result: [false, 'Invalid InfrastructureManager credentials'] });
    }
    expect(await sim.call('GetInfrastructureList', AUTH)).toEqual([true, [inf]]);
  });
});

describe('identity without a user DB (im.md (g))', () => {
  let sim: TestSim;
  let inf: string;
  const wrong = [{ ...IM, password: 'wrong' }, AUTH[1] ?? {}];
  beforeAll(async () => {
    sim = await startTestSim();
    inf = await createInfra(sim, ONE_VM);
  });
  afterAll(async () => sim.close());

  it('takes a wrong password as another identity that owns nothing', async () => {
    expect(await sim.call('GetInfrastructureList', wrong)).toEqual([true, []]);
    expect(await sim.call('GetInfrastructureInfo', inf, wrong)).toEqual([false, 'Access to this infrastructure not granted.']);
  });

  it('lets that identity create, and keeps the two apart', async () => {
    const theirs = await createInfra(sim, ONE_VM, wrong);
    expect(await sim.call('GetInfrastructureList', wrong)).toEqual([true, [theirs]]);
    expect(await sim.call('GetInfrastructureList', AUTH)).toEqual([true, [inf]]);
    expect(await sim.call('GetInfrastructureOwners', theirs, AUTH)).toEqual([false, 'Access to this infrastructure not granted.']);
  });
});

describe('GetInfrastructureList', () => {
  let sim: TestSim;
  beforeAll(async () => {
    sim = await startTestSim();
  });
  afterAll(async () => sim.close());

  it('lists only owned infrastructures, last saved first, filtered by a regex on the stored RADL', async () => {
    const marker = (key: string) => `description converge ( converge.owner = 'abc' and converge.key = '${key}' )\n${ONE_VM}`;
    const web = await createInfra(sim, marker('Infrastructure/web'));
    const db = await createInfra(sim, marker('Infrastructure/db'));
    const theirs = await createInfra(sim, marker('Infrastructure/web'), OTHER_AUTH);
    expect(await sim.call('GetInfrastructureList', AUTH)).toEqual([true, [db, web]]);
    expect(ok(await sim.call('AddResource', web, 'network net\nsystem node\ndeploy node 1', AUTH))).toEqual([1]);
    expect(await sim.call('GetInfrastructureList', AUTH)).toEqual([true, [web, db]]);
    expect(await sim.call('GetInfrastructureList', AUTH, "converge\\.key = 'Infrastructure/db'")).toEqual([true, [db]]);
    expect(await sim.call('GetInfrastructureList', AUTH, 'converge.owner')).toEqual([true, [web, db]]);
    expect(await sim.call('GetInfrastructureList', OTHER_AUTH, 'web')).toEqual([true, [theirs]]);
    expect(String(ok(await sim.call('GetInfrastructureRADL', db, AUTH)))).toMatch(
      /^description converge \(\nconverge\.owner = 'abc' and\nconverge\.key = 'Infrastructure\/db'\n\)\nnetwork net/,
    );
  });
});
