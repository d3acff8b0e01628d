/**
 * Decryption in seattlelib's RSA format, which the official client uses to turn a private key
 * into the account's API key (apis/seattle.md §2). Written by hand because the format is its own
 * and tiny: keys are decimal strings (private "d p q"), a ciphertext is " c1 c2 …", each block
 * decrypts to big-endian bytes whose first byte is a 0x01 pad, and the plaintext is the blocks'
 * remaining bytes concatenated (latin-1).
 */
import { ConvergeError } from '../../errors/converge-error.js';

export function seattleRsaDecrypt(cipher: string, privateKey: string): string {
  const parts = privateKey.trim().split(/\s+/);
  if (parts.length !== 3 || !parts.every((p) => /^\d+$/.test(p))) {
    throw new ConvergeError('INVALID', 'SEATTLE_CREDENTIALS', 'private_key must be a seattlelib private key: three decimal numbers "d p q"');
  }
  const [d, p, q] = parts.map((x) => BigInt(x)) as [bigint, bigint, bigint];
  const n = p * q;
  let message = '';
  for (const block of cipher.trim().split(/\s+/).filter(Boolean)) {
    const bytes = toBytes(modPow(BigInt(block), d, n));
    if (bytes[0] !== 1) throw new ConvergeError('UNAUTHORIZED', 'SEATTLE_PRIVATE_KEY_MISMATCH', 'the private key does not correspond to this account');
    message += bytes.subarray(1).toString('latin1');
  }
  return message;
}

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = base % modulus;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
    e >>= 1n;
  }
  return result;
}

function toBytes(value: bigint): Buffer {
  let hex = value.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  return Buffer.from(hex, 'hex');
}

/** apiKeyFromDecrypted checks the "<20 characters>!<api key>" shape the official client checks. */
export function apiKeyFromDecrypted(plain: string): string {
  const parts = plain.split('!');
  if (parts.length !== 2 || parts[0]!.length !== 20 || parts[1] === '') {
    throw new ConvergeError('UNAUTHORIZED', 'SEATTLE_PRIVATE_KEY_MISMATCH', 'the private key does not correspond to this account');
  }
  return parts[1]!;
}
