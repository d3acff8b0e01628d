/**
 * IM's authorization file format (the `auth.dat` the IM client reads), one credential per line:
 *
 *   id = im; type = InfrastructureManager; username = alice; password = s3cret
 *   id = dummy; type = Dummy
 *
 * `#` starts a comment line; values are trimmed; a literal `\n` also separates entries so the
 * whole file fits in one environment variable. Every value of a secret-looking key is registered
 * with the redactor as soon as it is parsed.
 */
import { ConvergeError } from '../../errors/converge-error.js';
import { registerSecret } from '../../errors/redact.js';

export type AuthEntry = Record<string, string>;

const SECRET_KEYS = /^(password|token|private_key|secret_key|client_secret|proxy|key|cert)$/i;

export function parseAuthFile(text: string, source: string): AuthEntry[] {
  const entries: AuthEntry[] = [];
  const lines = text.replace(/\\n/g, '\n').split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const entry: AuthEntry = {};
    for (const part of line.split(';')) {
      if (part.trim() === '') continue;
      const eq = part.indexOf('=');
      if (eq < 0) throw new ConvergeError('INVALID', 'IM_AUTH_FORMAT', `${source}: line ${index + 1}: expected "key = value" items separated by ";"`);
      const key = part.slice(0, eq).trim();
      const value = part.slice(eq + 1).trim();
      if (SECRET_KEYS.test(key)) registerSecret(value);
      entry[key] = value;
    }
    if (!entry.type) throw new ConvergeError('INVALID', 'IM_AUTH_FORMAT', `${source}: line ${index + 1}: every entry needs a "type"`);
    entries.push(entry);
  });
  if (!entries.some((e) => e.type === 'InfrastructureManager')) {
    throw new ConvergeError('INVALID', 'IM_AUTH_FORMAT', `${source}: no entry with type = InfrastructureManager (the IM identity)`);
  }
  return entries;
}
