/**
 * A fedid is how fedd names a principal: the SHA-1 digest (20 bytes) of a certificate's public key.
 * The bytes hashed are the contents of the certificate's `subjectPublicKey` BIT STRING (for RSA,
 * the DER of the PKCS#1 RSAPublicKey), i.e. RFC 5280's method (1) key identifier and ABAC's key
 * id; fedd 3 uses ABAC key ids and fedids interchangeably (fedd.md §1.3). A certificate's
 * SubjectKeyIdentifier extension, when made by method (1), holds the same 20 bytes.
 *
 * Text form (configs, logs, this simulator's control API): `fedid:` + 40 lowercase hex digits.
 */
import { createHash, X509Certificate } from 'node:crypto';

/** FEDID_BYTES is the length of a fedid: one SHA-1 digest. */
export const FEDID_BYTES = 20;

/** fedidOfCertificate returns the 20-byte fedid of a certificate (PEM text, DER bytes or a parsed one). */
export function fedidOfCertificate(certificate: string | Buffer | X509Certificate): Buffer {
  const parsed = certificate instanceof X509Certificate ? certificate : new X509Certificate(certificate);
  const spki = parsed.publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha1').update(subjectPublicKeyBits(spki)).digest();
}

/** fedidHex is the 40-digit lowercase hex of a fedid. */
export function fedidHex(fedid: Buffer): string {
  return fedid.toString('hex');
}

/** fedidText is the `fedid:<hex>` form fedd prints. */
export function fedidText(fedid: Buffer | string): string {
  return `fedid:${typeof fedid === 'string' ? fedid : fedidHex(fedid)}`;
}

/** parseFedidText accepts `fedid:<40 hex>` or bare hex and returns the lowercase hex; throws otherwise. */
export function parseFedidText(text: string): string {
  const hex = text.trim().replace(/^fedid:/i, '').toLowerCase();
  if (!/^[0-9a-f]{40}$/.test(hex)) throw new Error(`not a fedid: ${text}`);
  return hex;
}

/**
 * subjectPublicKeyBits reads SubjectPublicKeyInfo ::= SEQUENCE { algorithm SEQUENCE, subjectPublicKey
 * BIT STRING } and returns the BIT STRING's contents after its unused-bits byte. Hand-written
 * because node:crypto exports keys but not this part of them, and it is four DER headers.
 */
function subjectPublicKeyBits(spki: Buffer): Buffer {
  const outer = readHeader(spki, 0, 0x30);
  const algorithm = readHeader(spki, outer.contentStart, 0x30);
  const bits = readHeader(spki, algorithm.contentStart + algorithm.length, 0x03);
  if (spki[bits.contentStart] !== 0) throw new Error('subjectPublicKey has unused bits');
  return spki.subarray(bits.contentStart + 1, bits.contentStart + bits.length);
}

function readHeader(der: Buffer, offset: number, expectedTag: number): { contentStart: number; length: number } {
  if (der[offset] !== expectedTag) throw new Error(`unexpected DER tag at ${offset}`);
  const first = der[offset + 1] ?? 0;
  if (first < 0x80) return { contentStart: offset + 2, length: first };
  const count = first & 0x7f;
  let length = 0;
  for (let i = 0; i < count; i += 1) length = length * 256 + (der[offset + 2 + i] ?? 0);
  return { contentStart: offset + 2 + count, length };
}
