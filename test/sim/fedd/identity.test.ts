/**
 * Identity and authorization: the caller is the fedid of its client certificate, computed from
 * the certificate's public key as fedd/ABAC do (checked against openssl's own reading of the key
 * bits), any issuer accepted; only authorized fedids may RequestAccess, only the requester may use
 * an allocation, and a refused request creates nothing.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fedidOfCertificate, fedidText, type Identity } from '../../../src/backends/fedd/sim/index.js';
import { computer, startBody, startTestFedd, topology, type TestFedd } from './helpers.js';

const openssl = (args: string[]): string => execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** opensslSelfSigned makes a certificate the way a fedd user would, entirely with openssl. */
function opensslSelfSigned(dir: string): Pick<Identity, 'certPem' | 'keyPem'> & { certPath: string } {
  const certPath = join(dir, 'user.pem');
  const keyPath = join(dir, 'user.key');
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', certPath, '-subj', '/CN=fedd-user', '-days', '2']);
  return { certPem: readFileSync(certPath, 'utf8'), keyPem: readFileSync(keyPath, 'utf8'), certPath };
}

/** opensslKeyBitsSha1 is SHA-1 of the subjectPublicKey BIT STRING contents, as openssl parses them. */
function opensslKeyBitsSha1(dir: string, certPath: string): string {
  const pub = join(dir, 'pub.pem');
  const bits = join(dir, 'bits.der');
  openssl(['x509', '-in', certPath, '-pubkey', '-noout', '-out', pub]);
  const offset = /^\s*(\d+):.*BIT STRING/m.exec(openssl(['asn1parse', '-in', pub]))?.[1];
  openssl(['asn1parse', '-in', pub, '-strparse', String(offset), '-noout', '-out', bits]);
  return createHash('sha1').update(readFileSync(bits)).digest('hex');
}

describe('fedd caller identity', () => {
  let fedd: TestFedd;
  let dir: string;
  let stranger: Identity;
  let user: ReturnType<typeof opensslSelfSigned>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fedd-identity-'));
    fedd = await startTestFedd({ testbeds: ['a'] });
    stranger = await fedd.issueClient('stranger');
    user = opensslSelfSigned(dir);
  });
  afterAll(async () => {
    await fedd.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('computes the fedid from the key bits exactly as openssl reads them', () => {
    expect(fedidOfCertificate(user.certPem).toString('hex')).toBe(opensslKeyBitsSha1(dir, user.certPath));
  });

  it('equals the method-(1) SubjectKeyIdentifier of the certificates the simulator issues', () => {
    const path = join(dir, 'client.pem');
    writeFileSync(path, fedd.client.certPem);
    const ski = openssl(['x509', '-noout', '-ext', 'subjectKeyIdentifier', '-in', path]);
    expect(ski.replace(/[^0-9A-F]/gi, '').slice(-40).toLowerCase()).toBe(fedd.client.fedid.toString('hex'));
  });

  it('refuses RequestAccess from a certificate it does not authorize, and creates nothing', async () => {
    expect(await fedd.fault('a', 'RequestAccess', {}, stranger)).toEqual({
      code: 'Access Denied',
      text: `Access denied: ${fedidText(stranger.fedid)} may not request access to testbed a`,
    });
    expect(await fedd.fault('a', 'RequestAccess', {}, null)).toMatchObject({ code: 'Access Denied', text: expect.stringContaining('without a certificate') });
    const dump = (await fedd.control('a', 'converge.sim.fedd.dump')) as { allocations: unknown[] };
    expect(dump.allocations).toEqual([]);
  });

  it('accepts a self-signed certificate of any issuer once its fedid is authorized, and forgets it when revoked', async () => {
    const fedid = fedidText(fedidOfCertificate(user.certPem));
    await fedd.control('a', 'converge.sim.fedd.authorize', fedid);
    const allocID = await fedd.allocate('a', user);
    expect((allocID.fedid as Buffer).length).toBe(20);
    await fedd.control('a', 'converge.sim.fedd.revoke', fedid);
    expect((await fedd.fault('a', 'RequestAccess', {}, user)).code).toBe('Access Denied');
    // The grant it already has stays its own.
    expect((await fedd.call('a', 'InfoSegment', { allocID }, user)).ok).toBe(true);
  });

  it('lets only the requester use an allocation', async () => {
    await fedd.control('a', 'converge.sim.fedd.authorize', fedidText(stranger.fedid));
    const allocID = await fedd.allocate('a');
    const topo = topology([], [computer('n1')]);
    for (const [op, body] of [
      ['InfoSegment', { allocID }],
      ['StartSegment', startBody(allocID, topo)],
      ['TerminateSegment', { allocID, force: true }],
      ['ReleaseAccess', { allocID }],
    ] as const) {
      expect(await fedd.fault('a', op, body, stranger)).toMatchObject({ code: 'Access Denied', text: expect.stringContaining('does not hold allocation') });
    }
    expect((await fedd.fault('a', 'InfoSegment', { allocID }, null)).code).toBe('Access Denied');
    expect((await fedd.call('a', 'ReleaseAccess', { allocID })).ok).toBe(true);
  });

  it('refuses a project the testbed does not serve', async () => {
    expect(await fedd.fault('a', 'RequestAccess', { credential: ['user:bob', 'project:other'] })).toEqual({
      code: 'Access Denied',
      text: 'Access denied: project other has no access to testbed a',
    });
  });
});
