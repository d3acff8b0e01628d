/**
 * The server side of seattlelib's `rsa.r2py`, which the official client uses to turn a private key
 * into an API key (`get_encrypted_api_key`). Written by hand because its wire format is its own:
 * keys are decimal strings ("e n" public, "d p q" private), and a message is cut into chunks of
 * `floor((bits(n) - 1) / 8) - 1` bytes, each prefixed with byte 0x01, raised to e mod n (no
 * padding scheme), and written as " c1 c2 ..." (every chunk preceded by one space).
 * Key generation is delegated to node:crypto.
 */
import { generateKeyPairSync } from 'node:crypto';

export interface SeattleKeyPair {
  /** publicKey is seattlelib's "e n". */
  publicKey: string;
  /** privateKey is seattlelib's "d p q". */
  privateKey: string;
}

/** generateSeattleKeyPair makes a fresh RSA key pair in seattlelib's string format. */
export function generateSeattleKeyPair(bits = 1024): SeattleKeyPair {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: bits, publicExponent: 65537 });
  const jwk = privateKey.export({ format: 'jwk' });
  const big = (b64url: string | undefined): bigint => BigInt(`0x${Buffer.from(b64url ?? '', 'base64url').toString('hex') || '0'}`);
  return {
    publicKey: `${big(jwk.e)} ${big(jwk.n)}`,
    privateKey: `${big(jwk.d)} ${big(jwk.p)} ${big(jwk.q)}`,
  };
}

/** parsePublicKey reads "e n"; undefined unless it is two decimal integers with e < n. */
export function parsePublicKey(text: string): { e: bigint; n: bigint } | undefined {
  const parts = text.trim().split(/\s+/);
  if (parts.length !== 2 || !parts.every((p) => /^\d+$/.test(p))) return undefined;
  const [e, n] = parts.map((p) => BigInt(p)) as [bigint, bigint];
  return e > 0n && e < n ? { e, n } : undefined;
}

/** rsaEncrypt is seattlelib's rsa_encrypt(message, publickey) for a latin-1 message. */
export function rsaEncrypt(message: string, publicKey: string): string {
  const key = parsePublicKey(publicKey);
  if (!key) throw new Error('Invalid public key');
  const chunkBytes = Math.floor((bitLength(key.n) - 1) / 8) - 1;
  const bytes = Buffer.from(message, 'latin1');
  let out = '';
  for (let offset = 0; offset < bytes.length; offset += chunkBytes) {
    const block = Buffer.concat([Buffer.from([1]), bytes.subarray(offset, offset + chunkBytes)]);
    out += ` ${modPow(bytesToBig(block), key.e, key.n)}`;
  }
  return out;
}

/** rsaDecrypt is seattlelib's rsa_decrypt(cypher, privatekey); the inverse of rsaEncrypt. */
export function rsaDecrypt(cypher: string, privateKey: string): string {
  const parts = privateKey.trim().split(/\s+/);
  if (parts.length !== 3) throw new Error('Invalid private key string');
  const [d, p, q] = parts.map((x) => BigInt(x)) as [bigint, bigint, bigint];
  const n = p * q;
  let out = '';
  for (const chop of cypher.trim().split(/\s+/).filter((c) => c !== '')) {
    out += bigToBytes(modPow(BigInt(chop), d, n)).subarray(1).toString('latin1');
  }
  return out;
}

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = base % modulus;
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
  }
  return result;
}

function bitLength(value: bigint): number {
  return value.toString(2).length;
}

function bytesToBig(bytes: Buffer): bigint {
  return BigInt(`0x${bytes.toString('hex')}`);
}

function bigToBytes(value: bigint): Buffer {
  const hex = value.toString(16);
  return Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex');
}
