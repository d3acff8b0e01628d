/**
 * Owners' passwords never reach the persistence file in clear: they are kept as salted digests,
 * files written by older versions (clear passwords) are migrated when loaded, and an export shows
 * a password only when the caller itself presented it.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeSimState } from '../../../src/backends/im/sim/methods/sim-state-codec.js';
import type { XmlRpcStruct } from '../../../src/xmlrpc/value.js';
import { TRANSCRIPT_RADL, createInfra, ok, startTestSim } from './helpers.js';

const SECRET = 'S3cret-im-pw';
const SECOND = 'An0ther-im-pw';
const OWNER: XmlRpcStruct[] = [{ id: 'im', type: 'InfrastructureManager', username: 'alice', password: SECRET }, { id: 'dummy', type: 'Dummy' }];
const CO_OWNER: XmlRpcStruct[] = [{ type: 'InfrastructureManager', username: 'bob', password: SECOND }];
const WRONG: XmlRpcStruct[] = [{ id: 'im', type: 'InfrastructureManager', username: 'alice', password: 'nope' }];

describe('credentials in the persistence file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'im-sim-cred-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('stores owners as digests only, and still knows them after a restart', async () => {
    const path = join(dir, 'digests.im.json');
    const first = await startTestSim({ persistPath: path });
    const inf = await createInfra(first, TRANSCRIPT_RADL, OWNER);
    expect(await first.call('ChangeInfrastructureAuth', inf, CO_OWNER, false, OWNER)).toEqual([true, '']);
    await first.close();
    const text = readFileSync(path, 'utf8');
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(SECOND);
    expect(text).toContain('hmac-sha256:');

    const second = await startTestSim({ persistPath: path });
    try {
      expect(await second.call('GetInfrastructureList', OWNER)).toEqual([true, [inf]]);
      expect(await second.call('GetInfrastructureList', CO_OWNER)).toEqual([true, [inf]]);
      expect(await second.call('GetInfrastructureInfo', inf, WRONG)).toEqual([false, 'Access to this infrastructure not granted.']);
    } finally {
      await second.close();
    }
  });

  it('migrates a file with clear passwords to digests as soon as it is loaded', async () => {
    const path = join(dir, 'legacy.im.json');
    const writer = await startTestSim({ persistPath: path });
    const inf = await createInfra(writer, TRANSCRIPT_RADL, OWNER);
    await writer.close();
    const state = JSON.parse(readFileSync(path, 'utf8')) as { credentialSalt?: string; infrastructures: Array<{ owners: unknown[] }> };
    delete state.credentialSalt;
    for (const record of state.infrastructures) record.owners = [{ username: 'alice', password: SECRET, token: null }];
    writeFileSync(path, JSON.stringify(state));

    const reader = await startTestSim({ persistPath: path });
    try {
      expect(readFileSync(path, 'utf8')).not.toContain(SECRET);
      expect(await reader.call('GetInfrastructureList', OWNER)).toEqual([true, [inf]]);
      expect(await reader.call('GetInfrastructureInfo', inf, WRONG)).toEqual([false, 'Access to this infrastructure not granted.']);
    } finally {
      await reader.close();
    }
  });
});

describe('ExportInfrastructure', () => {
  it("shows the caller's own password, not another owner's, and no owner in sim_state", async () => {
    const sim = await startTestSim();
    try {
      const inf = await createInfra(sim, TRANSCRIPT_RADL, OWNER);
      await sim.call('ChangeInfrastructureAuth', inf, CO_OWNER, false, OWNER);
      const exported = JSON.parse(String(ok(await sim.call('ExportInfrastructure', inf, false, OWNER)))) as { auth: unknown[]; sim_state: string };
      expect(exported.auth).toEqual([
        { type: 'InfrastructureManager', username: 'alice', password: SECRET, admin: false },
        { type: 'InfrastructureManager', username: 'bob', admin: false },
      ]);
      expect((decodeSimState(exported.sim_state) as { owners: unknown[] }).owners).toEqual([]);
    } finally {
      await sim.close();
    }
  });
});
