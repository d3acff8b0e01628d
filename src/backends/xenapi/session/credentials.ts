/**
 * The XenAPI credential a Backend references (`credentials.fromFile` or `fromEnv`), in either of
 * two forms:
 *
 *   username = root          # key = value lines; `#` starts a comment; `user` also works
 *   password = s3cret
 *
 *   root:s3cret              # one line, user and password split at the first colon
 *
 * The password is registered with the redactor as soon as it is parsed. Errors name the source,
 * never the content.
 */
import { ConvergeError } from '../../../errors/converge-error.js';
import { registerSecret } from '../../../errors/redact.js';

export interface XenCredentials {
  username: string;
  password: string;
}

export function parseXenCredentials(text: string, source: string): XenCredentials {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const credentials = lines.length === 1 && !lines[0]!.includes('=') ? colonForm(lines[0]!) : keyValueForm(lines);
  if (!credentials || credentials.username === '' || credentials.password === '') {
    throw new ConvergeError(
      'INVALID',
      'XEN_CREDENTIALS_FORMAT',
      `${source}: expected "username = …" and "password = …" lines, or one "user:password" line`,
    );
  }
  registerSecret(credentials.password);
  return credentials;
}

function colonForm(line: string): XenCredentials | undefined {
  const colon = line.indexOf(':');
  if (colon <= 0) return undefined;
  return { username: line.slice(0, colon).trim(), password: line.slice(colon + 1).trim() };
}

function keyValueForm(lines: string[]): XenCredentials | undefined {
  const values: Record<string, string> = {};
  for (const line of lines) {
    const eq = line.indexOf('=');
    if (eq < 0) return undefined;
    values[line.slice(0, eq).trim().toLowerCase()] = line.slice(eq + 1).trim();
  }
  const username = values.username ?? values.user;
  const password = values.password;
  return username !== undefined && password !== undefined ? { username, password } : undefined;
}
