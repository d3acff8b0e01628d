/**
 * Seattle Clearinghouse credentials, read from the Backend's credential reference as
 * `key = value` lines (`#` comments; a literal `\n` also separates lines, for environment
 * variables):
 *
 *   username = alice
 *   api_key = K3Y…                     # either the API key …
 *   private_key = 1234… 5678… 9012…    # … or the seattlelib private key ("d p q"), from which the
 *                                      #     API key is fetched as the official client does
 *
 * Every value but the username is registered with the redactor as soon as it is read.
 */
import { ConvergeError } from '../../errors/converge-error.js';
import { registerSecret } from '../../errors/redact.js';

export type SeattleCredentials = { username: string; apiKey: string } | { username: string; privateKey: string };

export function parseSeattleCredentials(text: string, source: string): SeattleCredentials {
  const values: Record<string, string> = {};
  for (const raw of text.replace(/\\n/g, '\n').split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq < 0) throw invalid(`${source}: expected "key = value" lines (username, api_key or private_key)`);
    const key = line.slice(0, eq).trim().toLowerCase();
    const value = line.slice(eq + 1).trim();
    if (key !== 'username') registerSecret(value);
    values[key] = value;
  }
  const username = values.username;
  if (!username) throw invalid(`${source}: no username`);
  if (values.api_key) return { username, apiKey: values.api_key };
  if (values.private_key) return { username, privateKey: values.private_key };
  throw invalid(`${source}: needs api_key or private_key next to the username`);
}

function invalid(message: string): ConvergeError {
  return new ConvergeError('INVALID', 'SEATTLE_CREDENTIALS', message);
}
