/**
 * PLC credentials, read from the Backend's credential reference as `key = value` lines (`#`
 * comments; a literal `\n` also separates lines, for environment variables):
 *
 *   username = pi@princeton.test     # the PLC account (an e-mail address)
 *   password = …                     # its password: PLC's password auth, traded for a session
 *
 * The password is registered with the redactor as soon as it is read.
 */
import { ConvergeError } from '../../../errors/converge-error.js';
import { registerSecret } from '../../../errors/redact.js';

export interface PlcCredentials {
  username: string;
  password: string;
}

export function parsePlcCredentials(text: string, source: string): PlcCredentials {
  const values: Record<string, string> = {};
  for (const raw of text.replace(/\\n/g, '\n').split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq < 0) throw invalid(`${source}: expected "key = value" lines (username, password)`);
    const key = line.slice(0, eq).trim().toLowerCase();
    const value = line.slice(eq + 1).trim();
    if (key !== 'username') registerSecret(value);
    values[key] = value;
  }
  if (!values.username) throw invalid(`${source}: no username (the PLC account's e-mail address)`);
  if (!values.password) throw invalid(`${source}: no password next to the username`);
  return { username: values.username, password: values.password };
}

function invalid(message: string): ConvergeError {
  return new ConvergeError('INVALID', 'PLC_CREDENTIALS', message);
}
