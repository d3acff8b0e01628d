/**
 * Confirmation before changing anything, as Terraform asks: on a terminal `reconcile` and
 * `destroy` show the plan and apply only after the answer `yes`. Never asked when stdin is not a
 * TTY or the `CI` environment variable is set (any value but empty, `0` or `false`): then
 * `reconcile` applies as it always did (CI and GitOps usage unchanged), and `destroy` needs
 * `--auto-approve` (a destroy nobody confirmed is refused with a message naming the flag).
 */
import { createInterface } from 'node:readline/promises';
import { ConvergeError } from '../errors/converge-error.js';

/** Approval: `approved` needs no question, `ask` needs a `yes` on the terminal, `unattended` is a run nobody can answer. */
export type Approval = 'approved' | 'ask' | 'unattended';

/** approvalFor decides how a command that changes things is approved. */
export function approvalFor(autoApprove: boolean | undefined, env: NodeJS.ProcessEnv = process.env, stdin: { isTTY?: boolean } = process.stdin): Approval {
  if (autoApprove) return 'approved';
  const ci = env.CI;
  const inCi = ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
  return stdin.isTTY === true && !inCi ? 'ask' : 'unattended';
}

/** APPROVE_QUESTION is the question asked before applying a plan. */
export const APPROVE_QUESTION = "Apply these changes? Only 'yes' will be accepted";

/**
 * askYes asks `question` on the terminal and is true only for the exact answer `yes`
 * (an end of input counts as no).
 */
export async function askYes(question: string, hint: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: false });
  try {
    process.stdout.write(`\n${question}\n  ${hint}\n\n  Enter a value: `);
    const answer = await new Promise<string | undefined>((resolve) => {
      rl.once('line', resolve);
      rl.once('close', () => resolve(undefined));
    });
    return answer?.trim() === 'yes';
  } finally {
    rl.close();
  }
}

/** cancelled is the error a `no` answer ends a command with (exit 1, nothing changed). */
export function cancelled(verb: string): ConvergeError {
  return new ConvergeError('TERMINAL', 'CANCELLED', `${verb} cancelled: the answer was not 'yes'; nothing was changed`);
}
