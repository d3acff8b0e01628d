/**
 * Every fault the simulator sends, with its exact code and text, over a real socket. Rows that need
 * a live vessel handle get it from `ctx`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { XmlRpcValue } from '../../../src/xmlrpc/value.js';
import { AUTH, startTestSim, type TestSim } from './helpers.js';

interface Row {
  reason: string;
  method: string;
  params: (ctx: { handle: string; nodeId: string }) => XmlRpcValue[];
  code: number;
  text: string | RegExp;
}

const BAD_KEY = { username: 'alice', api_key: 'WRONGKEY0123456789ABCDEFGHIJKLMN' };
const PWAUTH = { username: 'alice', password: 'alice-password' };
const INTERNAL = 'Internal error while handling the xmlrpc request.';
const rspec = (rspec_type: XmlRpcValue, number_of_nodes: XmlRpcValue): XmlRpcValue => ({ rspec_type, number_of_nodes });

const ROWS: Row[] = [
  { reason: 'an unknown method is fault 1 from the Python dispatcher', method: 'acquire_lan_resources', params: () => [AUTH, 1], code: 1, text: "<class 'clearinghouse.common.exceptions.InvalidRequestError'>:The requested method 'acquire_lan_resources' doesn't exist." },
  { reason: 'a missing argument is a TypeError inside the server: 100', method: 'acquire_resources', params: () => [AUTH], code: 100, text: INTERNAL },
  { reason: 'an extra argument is also 100', method: 'get_resource_info', params: () => [AUTH, 1], code: 100, text: INTERNAL },
  { reason: 'no arguments at all is 100, not an auth fault', method: 'get_account_info', params: () => [], code: 100, text: INTERNAL },
  { reason: 'auth that is not a struct is 102', method: 'get_account_info', params: () => ['alice'], code: 102, text: "Auth dict must contain both a 'username' and an 'api_key'." },
  { reason: 'auth without api_key is 102', method: 'get_account_info', params: () => [{ username: 'alice' }], code: 102, text: "Auth dict must contain both a 'username' and an 'api_key'." },
  { reason: 'a wrong api key is 101', method: 'get_resource_info', params: () => [BAD_KEY], code: 101, text: 'User auth failed.' },
  { reason: 'an unknown user is 101', method: 'get_public_key', params: () => [{ username: 'mallory', api_key: AUTH.api_key }], code: 101, text: 'User auth failed.' },
  { reason: 'auth is checked before the rspec: bad auth with {} is 101', method: 'acquire_resources', params: () => [BAD_KEY, {}], code: 101, text: 'User auth failed.' },
  { reason: 'auth is checked before the handle list: bad auth with [] is 101', method: 'renew_resources', params: () => [BAD_KEY, []], code: 101, text: 'User auth failed.' },
  { reason: 'an rspec that is not a struct is 102', method: 'acquire_resources', params: () => [AUTH, 'wan'], code: 102, text: 'rspec is an invalid data type.' },
  { reason: 'an rspec without rspec_type is 102', method: 'acquire_resources', params: () => [AUTH, { number_of_nodes: 1 }], code: 102, text: 'rspec is missing rspec_type' },
  { reason: 'an rspec without number_of_nodes is 102', method: 'acquire_resources', params: () => [AUTH, { rspec_type: 'wan' }], code: 102, text: 'rspec is missing number_of_nodes' },
  { reason: 'rspec_type must be a string', method: 'acquire_resources', params: () => [AUTH, rspec(42, 1)], code: 102, text: 'rspec has invalid data types.' },
  { reason: 'number_of_nodes must be an int, not a string', method: 'acquire_resources', params: () => [AUTH, rspec('wan', '2')], code: 102, text: 'rspec has invalid data types.' },
  { reason: 'number_of_nodes must be an int, not a fractional double', method: 'acquire_resources', params: () => [AUTH, rspec('wan', 1.5)], code: 102, text: 'rspec has invalid data types.' },
  { reason: 'an unknown rspec_type is 102', method: 'acquire_resources', params: () => [AUTH, rspec('rand', 1)], code: 102, text: 'rspec has invalid values.' },
  { reason: 'number_of_nodes below 1 is 102', method: 'acquire_resources', params: () => [AUTH, rspec('random', 0)], code: 102, text: 'rspec has invalid values.' },
  { reason: 'credits are checked before availability: 11 > 10 credits is 103', method: 'acquire_resources', params: () => [AUTH, rspec('wan', 11)], code: 103, text: 'You do not have enough vessel credits to acquire the number of vessels requested.' },
  { reason: 'a handle list that is not a list is 102', method: 'release_resources', params: ({ handle }) => [AUTH, handle], code: 102, text: 'Invalid data type for handle list.' },
  { reason: 'an empty handle list is 102', method: 'release_resources', params: () => [AUTH, []], code: 102, text: 'The list of vessels cannot be empty.' },
  { reason: 'a handle without a colon is 102', method: 'release_resources', params: () => [AUTH, ['v12']], code: 102, text: 'Invalid vesselhandle: v12' },
  { reason: 'a handle with two colons is 102', method: 'renew_resources', params: ({ handle }) => [AUTH, [`${handle}:x`]], code: 102, text: /^Invalid vesselhandle: 65537 \d+:v\d+:x$/ },
  { reason: 'an unknown vessel on a known node is 102', method: 'release_resources', params: ({ nodeId }) => [AUTH, [`${nodeId}:v999`]], code: 102, text: /^There is no vessel with the node identifier: 65537 \d+ and vessel name: v999$/ },
  { reason: 'a non-string handle in release trips an assertion: 100', method: 'release_resources', params: () => [AUTH, [7]], code: 100, text: INTERNAL },
  { reason: 'a non-string handle in renew is caught up front: 102', method: 'renew_resources', params: ({ handle }) => [AUTH, [handle, 7]], code: 102, text: "Invalid data type for handle. Expected str, received <type 'int'>" },
  { reason: 'a struct handle in renew names dict', method: 'renew_resources', params: () => [AUTH, [{}]], code: 102, text: "Invalid data type for handle. Expected str, received <type 'dict'>" },
  { reason: 'acquire_specific_vessels with an empty list is 102', method: 'acquire_specific_vessels', params: () => [AUTH, []], code: 102, text: 'The list of vessels cannot be empty.' },
  { reason: 'acquire_specific_vessels with a non-list is 102', method: 'acquire_specific_vessels', params: () => [AUTH, 1], code: 102, text: 'Invalid data type for handle list.' },
  { reason: 'get_encrypted_api_key for an unknown user is 102', method: 'get_encrypted_api_key', params: () => ['mallory'], code: 102, text: 'Username does not exist.' },
  { reason: 'pwauth without password is 102', method: 'regenerate_api_key', params: () => [{ username: 'alice', api_key: AUTH.api_key }], code: 102, text: "Auth dict must contain both a 'username' and a 'password'." },
  { reason: 'a wrong password is 101', method: 'regenerate_api_key', params: () => [{ username: 'alice', password: 'nope' }], code: 101, text: 'User auth failed.' },
  { reason: 'an invalid public key is 102', method: 'set_public_key', params: () => [PWAUTH, '65537'], code: 102, text: 'Invalid public key string.' },
  { reason: 'a public key with e >= n is 102', method: 'set_public_key', params: () => [PWAUTH, '99 7'], code: 102, text: 'Invalid public key string.' },
];

describe('seattle simulator faults', () => {
  let sim: TestSim;
  const ctx = { handle: '', nodeId: '' };

  beforeAll(async () => {
    sim = await startTestSim();
    const [info] = await sim.acquire('wan', 1);
    ctx.handle = String(info?.handle);
    ctx.nodeId = String(info?.node_id);
  });
  afterAll(() => sim.close());

  it.each(ROWS)('$reason', async (row) => {
    const got = await sim.fault(row.method, ...row.params(ctx));
    expect(got).toEqual({ code: row.code, text: typeof row.text === 'string' ? row.text : expect.stringMatching(row.text) });
    expect(await sim.resources()).toHaveLength(1);
  });

  it('answers 105 per type when the pool is short, with the documented details', async () => {
    sim.sim.setAvailability({ lan: 2, wan: 2, nat: 1 });
    const rows = [
      { type: 'wan', n: 5, text: /^Unable to fulfill vessel acquire request at this given time\. Details: Requested 5 wan vessels, but we only have vessels with port 631\d\d available on 3 subnets\.$/ },
      { type: 'lan', n: 3, text: /^Unable to fulfill vessel acquire request at this given time\. Details: No subnets exist with at least 3 active nodes that have a vessel available on port 631\d\d$/ },
      { type: 'nat', n: 2, text: /^Unable to fulfill vessel acquire request at this given time\. Details: Acquiring NAT vessels is currently disabled\. $/ },
      { type: 'random', n: 6, text: /^Unable to fulfill vessel acquire request at this given time\. Details: Requested 6 vessels, but we only have 5 vessels with port 631\d\d available\.$/ },
    ];
    for (const row of rows) {
      const got = await sim.fault('acquire_resources', AUTH, { rspec_type: row.type, number_of_nodes: row.n });
      expect({ type: row.type, ...got }).toEqual({ type: row.type, code: 105, text: expect.stringMatching(row.text) });
    }
    expect(await sim.resources()).toHaveLength(1);
  });
});
