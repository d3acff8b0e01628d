/**
 * sshFailure turns the OpenSSH client's own failure (exit status 255 and its stderr) into a typed
 * error that names the host and says what to do. Host key problems are never retried and never
 * bypassed: a changed key is UNAUTHORIZED (someone may be in the middle), an unknown one INVALID
 * (the known_hosts file lacks the node). A refused login is UNAUTHORIZED. Failures to reach the
 * node are TRANSIENT: the node may be down or rebooting, which is that node's problem.
 *
 * | stderr says                                   | kind         | code                  |
 * |-----------------------------------------------|--------------|-----------------------|
 * | REMOTE HOST IDENTIFICATION HAS CHANGED        | UNAUTHORIZED | SSH_HOST_KEY_MISMATCH |
 * | No … host key is known / verification failed | INVALID      | SSH_HOST_KEY_UNKNOWN  |
 * | Permission denied                             | UNAUTHORIZED | SSH_LOGIN_REFUSED     |
 * | Load key …: invalid format / bad permissions  | INVALID      | SSH_KEY_UNUSABLE      |
 * | Could not resolve hostname                    | TRANSIENT    | SSH_UNREACHABLE       |
 * | connect to host …, Connection closed/reset    | TRANSIENT    | SSH_UNREACHABLE       |
 * | anything else                                 | TRANSIENT    | SSH_FAILED            |
 */
import { ConvergeError, type ErrorKind } from '../../errors/converge-error.js';

interface Rule {
  test: RegExp;
  kind: ErrorKind;
  code: string;
  explain: (host: string, login: string) => string;
}

const RULES: readonly Rule[] = [
  {
    test: /REMOTE HOST IDENTIFICATION HAS CHANGED|Host key for \S+ has changed/,
    kind: 'UNAUTHORIZED',
    code: 'SSH_HOST_KEY_MISMATCH',
    explain: (host) =>
      `the host key of ${host} does not match the one in known_hosts: the node was reinstalled, or someone is intercepting the connection. ` +
      'converge did not connect. Check the key out of band and update the known_hosts file converge was given (for planetlab: the Backend spec.ssh.knownHosts)',
  },
  {
    test: /host key is known for|Host key verification failed/,
    kind: 'INVALID',
    code: 'SSH_HOST_KEY_UNKNOWN',
    explain: (host) => `no host key for ${host} in the known_hosts file converge was given (for planetlab: the Backend spec.ssh.knownHosts); converge connects only to nodes whose key it can verify`,
  },
  {
    test: /Load key .*(invalid format|bad permissions|error in libcrypto)|UNPROTECTED PRIVATE KEY FILE/,
    kind: 'INVALID',
    code: 'SSH_KEY_UNUSABLE',
    explain: () => 'ssh cannot use the private key converge was given (for planetlab: the Backend spec.ssh.privateKey)',
  },
  {
    test: /Permission denied/,
    kind: 'UNAUTHORIZED',
    code: 'SSH_LOGIN_REFUSED',
    explain: (host, login) => `${host} refused the login ${login}: the key is not among the account's authorized keys, or the account does not exist on the node (yet)`,
  },
  {
    test: /Could not resolve hostname|connect to host|Connection (closed|reset|refused|timed out)|kex_exchange_identification|No route to host|Network is unreachable/,
    kind: 'TRANSIENT',
    code: 'SSH_UNREACHABLE',
    explain: (host) => `cannot reach ${host} over ssh`,
  },
];

/** sshFailure classifies ssh's exit-255 failure of a session `login@host`. */
export function sshFailure(login: string, host: string, stderr: string): ConvergeError {
  const said = firstLines(stderr);
  const rule = RULES.find((r) => r.test.test(stderr));
  const kind = rule?.kind ?? 'TRANSIENT';
  const code = rule?.code ?? 'SSH_FAILED';
  const explanation = rule ? rule.explain(host, login) : `ssh to ${host} failed`;
  return new ConvergeError(kind, code, `${explanation}${said ? ` (ssh: ${said})` : ''}`, { host, login });
}

/** KEY_LINES are the lines that say what went wrong with a host key (not the warning banner around them). */
const KEY_LINES = /Host key for .* has changed|host key is known for|Host key verification failed|Offending .* key in/;

/** firstLines keeps ssh's message readable: for host keys the lines that matter, else at most three. */
function firstLines(stderr: string): string {
  const lines = stderr
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^@+/.test(l));
  const keyLines = lines.filter((l) => KEY_LINES.test(l));
  return (keyLines.length > 0 ? keyLines : lines).slice(0, 3).join(' ');
}
