/**
 * `converge sim planetlab` and `converge sim planetlab-nm --forward <nm-url>`.
 *
 * `planetlab` serves a PLC (`<url>/PLCAPI/`) and `--nodes` Node Managers (default 3), printing
 * their URLs, until SIGINT/SIGTERM. `--poll-interval` sets how often (virtual seconds) a node
 * polls PLC, plus up to half that again at random (default 600 + 300, as real nodes).
 *
 * `planetlab-nm --forward <nm-url>` is the forwarder an sshd forced command (or an account's
 * login shell) runs: it reads ONE methodCall on stdin until EOF, relays it to that node's NM
 * simulator with the caller set to the ssh login name (`--login`, else $USER, else $LOGNAME),
 * writes the bare methodResponse to stdout and exits (1 on its own failures, which it answers
 * with a fault 1 as forward_api_calls does). It prints nothing else.
 */
import { ConvergeError } from '../../errors/converge-error.js';
import { forwardApiCall, startPlanetLabSimulator } from '../../backends/planetlab/sim/index.js';
import type { SimKnobs } from '../../xmlrpc/sim/knobs.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import type { Output } from '../output.js';

/** PlanetLabSimOptions are the `converge sim` flags these two commands read. */
export interface PlanetLabSimOptions {
  host: string;
  port: number;
  persist?: string;
  nodes?: number;
  pollIntervalSeconds?: number;
  forward?: string;
  login?: string;
}

/** planetlabSimCommand serves (planetlab) until a signal, or forwards one call (planetlab-nm) and returns its exit code. */
export async function planetlabSimCommand(type: 'planetlab' | 'planetlab-nm', out: Output, options: PlanetLabSimOptions, knobs: SimKnobs): Promise<ExitCode> {
  if (type === 'planetlab-nm') return forwardCommand(options);
  if (options.forward !== undefined || options.login !== undefined) throw new ConvergeError('INVALID', 'USAGE', '--forward and --login are for `converge sim planetlab-nm`');
  const running = await startPlanetLabSimulator({
    host: options.host,
    port: options.port,
    knobs,
    ...(options.nodes !== undefined ? { nodes: options.nodes } : {}),
    ...(options.pollIntervalSeconds !== undefined ? { pollIntervalSeconds: options.pollIntervalSeconds, pollJitterSeconds: options.pollIntervalSeconds / 2 } : {}),
    ...(options.persist ? { persistPath: options.persist } : {}),
  });
  if (out.json) out.record({ type: 'listening', backend: 'planetlab', url: running.url, nodes: running.nodes });
  else {
    out.line(`PlanetLab PLC simulator listening on ${running.url} (control methods: converge.sim.*); Ctrl-C to stop`);
    for (const node of running.nodes) out.line(`  node ${node.hostname} (node_id ${node.nodeId}): Node Manager on ${node.url}`);
  }
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await running.close();
  return EXIT.ok;
}

async function forwardCommand(options: PlanetLabSimOptions): Promise<ExitCode> {
  if (!options.forward) throw new ConvergeError('INVALID', 'USAGE', '`converge sim planetlab-nm` needs --forward <nm-url> (the node\'s Node Manager simulator)');
  const login = options.login ?? process.env.USER ?? process.env.LOGNAME;
  if (!login) throw new ConvergeError('INVALID', 'USAGE', 'no login name: pass --login, or set $USER or $LOGNAME');
  const input = await readAll(process.stdin);
  const result = await forwardApiCall({ input, nmUrl: options.forward, caller: login });
  await new Promise<void>((resolve) => process.stdout.write(result.stdout, () => resolve()));
  return result.exitCode === 0 ? EXIT.ok : EXIT.failure;
}

function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer | string) => chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk)));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}
