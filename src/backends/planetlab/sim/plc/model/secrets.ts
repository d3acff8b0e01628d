/**
 * Password and session-key hashing. PLC checks passwords with crypt(); the simulator keeps a
 * salted HMAC-SHA256 instead, cheap enough that a multicall of 500 password-authenticated calls
 * stays fast, and never stores or logs a password or a session key in clear.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** hashPassword returns `salt:hex(HMAC-SHA256(salt, password))`; a fresh salt unless one is given. */
export function hashPassword(password: string, salt = randomBytes(12).toString('hex')): string {
  return `${salt}:${createHmac('sha256', salt).update(password, 'utf8').digest('hex')}`;
}

/** passwordMatches compares in constant time; a malformed stored hash never matches. */
export function passwordMatches(stored: string, attempt: string): boolean {
  const salt = stored.split(':')[0];
  if (!salt) return false;
  const expected = Buffer.from(stored, 'utf8');
  const actual = Buffer.from(hashPassword(attempt, salt), 'utf8');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** newSessionKey is 32 random bytes in base64: 44 characters, as PLC's GetSession returns. */
export function newSessionKey(): string {
  return randomBytes(32).toString('base64');
}

/** hashSessionKey is the only form in which a session key is stored. */
export function hashSessionKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}
