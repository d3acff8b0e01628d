import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { positiveSerial, selfSignedCertificate } from '../../../src/backends/fedd/sim/pki/certificates.js';

describe('certificate serial numbers', () => {
  it('are positive and minimally encoded: 16 bytes, the first in 0x40–0x7f (never a leading zero byte)', () => {
    for (let i = 0; i < 2000; i += 1) {
      const serial = positiveSerial();
      expect(serial).toMatch(/^[4-7][0-9a-f]{31}$/);
    }
  });

  it('is what OpenSSL reads back from a certificate the simulator issues', async () => {
    const identity = await selfSignedCertificate({ commonName: 'serial-check', client: true });
    expect(new X509Certificate(identity.certPem).serialNumber).toMatch(/^[4-7][0-9A-F]{31}$/);
  });
});
