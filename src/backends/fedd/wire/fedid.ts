/**
 * A fedid is how fedd names a principal: the SHA-1 digest (20 bytes) of a certificate's public
 * key, as fedd computes it: for RSA, the DER of the PKCS#1 RSAPublicKey, which is the contents of
 * the certificate's subjectPublicKey bit string (RFC 5280 key identifier, method 1). Allocation
 * ids are fedids of key pairs the access controllers mint. Text form: `fedid:` + 40 hex digits.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { ConvergeError } from '../../../errors/converge-error.js';

/** FEDID_BYTES is the length of a fedid. */
export const FEDID_BYTES = 20;

/** fedidOfCertificate returns the fedid of a certificate (PEM text or parsed); RSA keys only, as fedd's. */
export function fedidOfCertificate(certificate: string | X509Certificate): Buffer {
  const cert = typeof certificate === 'string' ? new X509Certificate(certificate) : certificate;
  if (cert.publicKey.asymmetricKeyType !== 'rsa') {
    throw new ConvergeError('INVALID', 'FEDD_IDENTITY', `fedd identities are RSA certificates; this one has a ${cert.publicKey.asymmetricKeyType ?? 'unknown'} key`);
  }
  return createHash('sha1').update(cert.publicKey.export({ type: 'pkcs1', format: 'der' })).digest();
}

/** fedidText is fedd's printed form of a fedid (bytes or hex). */
export function fedidText(fedid: Buffer | string): string {
  return `fedid:${typeof fedid === 'string' ? fedid : fedid.toString('hex')}`;
}

/** isFedidHex tells whether a string is 40 lowercase hex digits (a fedid as state records it). */
export function isFedidHex(value: unknown): value is string {
  return typeof value === 'string' && /^[0-9a-f]{40}$/.test(value);
}
