#!/usr/bin/env node
/** The `converge` executable. */
const argv = process.argv.slice(2);

/**
 * forwarderArgs recognises exactly `sim planetlab-nm --forward URL [--login NAME]`: an sshd
 * forced command (or a login shell) that runs once per ssh session, so it loads only the
 * forwarder instead of the whole CLI. Anything else takes the normal path (and its messages).
 */
function forwarderArgs(args: readonly string[]): { forward: string; login?: string } | undefined {
  if (args[0] !== 'sim' || args[1] !== 'planetlab-nm') return undefined;
  const flags = new Map<string, string>();
  for (let i = 2; i < args.length; i += 2) {
    const [name, value] = [args[i], args[i + 1]];
    if ((name !== '--forward' && name !== '--login') || value === undefined || flags.has(name)) return undefined;
    flags.set(name, value);
  }
  const forward = flags.get('--forward');
  if (forward === undefined) return undefined;
  const login = flags.get('--login');
  return login === undefined ? { forward } : { forward, login };
}

async function main(): Promise<number> {
  const forwarder = forwarderArgs(argv);
  if (forwarder) {
    const [{ planetlabSimCommand }, { createOutput }, { SimKnobs }] = await Promise.all([
      import('./commands/sim-planetlab.js'),
      import('./output.js'),
      import('../xmlrpc/sim/knobs.js'),
    ]);
    return planetlabSimCommand('planetlab-nm', createOutput({ json: false }), { host: '127.0.0.1', port: 0, ...forwarder }, new SimKnobs());
  }
  const { runCli } = await import('./program.js');
  return runCli(argv);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`converge: internal error: ${String((error as Error)?.stack ?? error)}\n`);
    process.exitCode = 1;
  },
);
