/**
 * The converge command line (DESIGN §7), on commander. Each command returns its exit code;
 * `runCli` maps thrown errors to exit codes and prints them through the redacting output.
 */
import { Command, Option } from 'commander';
import { asConvergeError } from '../errors/converge-error.js';
import { DiagnosticsError } from '../manifest/diagnostics-error.js';
import { EXIT, exitCodeForError, type ExitCode } from './exit-codes.js';
import { countFlag, durationFlag, type CommonOptions } from './options.js';
import { createOutput, type Output } from './output.js';
import type { SimOptions } from './commands/sim.js';
import { registerStateCommand } from './commands/state.js';
import { registerEventsCommand } from './commands/events.js';
import { registerLifecycleCommands } from './lifecycle-commands.js';
import { replaceOption, selectionOptions } from './selection-flags.js';

// Commands load on first use: a CLI start pays only for the command it runs.
type Commands = {
  plan: typeof import('./commands/plan.js');
  reconcile: typeof import('./commands/reconcile.js');
  schema: typeof import('./commands/schema.js');
  sim: typeof import('./commands/sim.js');
  status: typeof import('./commands/status.js');
  output: typeof import('./commands/output.js');
  validate: typeof import('./commands/validate.js');
  watch: typeof import('./commands/watch.js');
};
const planCommand: Commands['plan']['planCommand'] = async (...a) => (await import('./commands/plan.js')).planCommand(...a);
const reconcileCommand: Commands['reconcile']['reconcileCommand'] = async (...a) => (await import('./commands/reconcile.js')).reconcileCommand(...a);
const schemaCommand = async (...a: Parameters<Commands['schema']['schemaCommand']>): Promise<ExitCode> => (await import('./commands/schema.js')).schemaCommand(...a);
const simCommand: Commands['sim']['simCommand'] = async (...a) => (await import('./commands/sim.js')).simCommand(...a);
const statusCommand: Commands['status']['statusCommand'] = async (...a) => (await import('./commands/status.js')).statusCommand(...a);
const outputCommand: Commands['output']['outputCommand'] = async (...a) => (await import('./commands/output.js')).outputCommand(...a);
const validateCommand: Commands['validate']['validateCommand'] = async (...a) => (await import('./commands/validate.js')).validateCommand(...a);
const watchCommand: Commands['watch']['watchCommand'] = async (...a) => (await import('./commands/watch.js')).watchCommand(...a);
import { VERSION } from './version.js';

type Raw = CommonOptions & Record<string, unknown>;

function common(cmd: Command): Command {
  return cmd
    .option('--state <path|url>', 'state file or postgres:// URL (default $CONVERGE_STATE, else <dir>/.converge/state.json)')
    .option('--workspace <name>', 'workspace of a PostgreSQL state (default $CONVERGE_WORKSPACE, else default)')
    .option('--owner <name>', 'ownership marker for a new state (default: its lineage, or $CONVERGE_OWNER)')
    .option('--json', 'machine-readable output: one JSON object per line')
    .option('--no-color', 'no colour even on a terminal');
}

/** simKnobFlags reads the simulator knob flags of `converge sim` (absent flags stay absent). */
function simKnobFlags(o: Raw): Partial<SimOptions> {
  const flags: Partial<SimOptions> = {};
  if (o.users !== undefined) flags.users = String(o.users);
  if (o.createBaseMs !== undefined) flags.createBaseMs = countFlag('--create-base-ms', String(o.createBaseMs));
  if (o.createMsPerVm !== undefined) flags.createMsPerVm = countFlag('--create-ms-per-vm', String(o.createMsPerVm));
  if (o.corruptConcurrentChanges === false) flags.corruptConcurrentChanges = false;
  if (o.backlog !== undefined) flags.backlog = countFlag('--backlog', String(o.backlog));
  if (o.backlogPenaltyMs !== undefined) flags.backlogPenaltyMs = countFlag('--backlog-penalty-ms', String(o.backlogPenaltyMs));
  if (o.testbeds !== undefined) flags.testbeds = String(o.testbeds).split(',').map((t) => t.trim()).filter((t) => t !== '');
  if (o.pkiDir !== undefined) flags.pkiDir = String(o.pkiDir);
  if (o.nodes !== undefined) flags.nodes = countFlag('--nodes', String(o.nodes), 1);
  if (o.hosts !== undefined) flags.hosts = countFlag('--hosts', String(o.hosts), 1);
  if (o.taskMs !== undefined) flags.taskMs = countFlag('--task-ms', String(o.taskMs));
  if (o.pollInterval !== undefined) flags.pollIntervalSeconds = countFlag('--poll-interval', String(o.pollInterval));
  if (o.forward !== undefined) flags.forward = String(o.forward);
  if (o.login !== undefined) flags.login = String(o.login);
  return flags;
}

/** outputArgs reads `output [dir] [key]`: a lone argument naming an object (`Kind/name…`) is the key. */
function outputArgs(dir: string | undefined, key: string | undefined): [string, string | undefined] {
  if (key === undefined && dir !== undefined && /^(Infrastructure|Slice|VesselSet)\//.test(dir)) return ['manifests', dir];
  return [dir ?? 'manifests', key];
}

export async function runCli(argv: string[]): Promise<ExitCode> {
  let code: ExitCode = EXIT.ok;
  let out: Output = createOutput({ json: argv.includes('--json') });
  const run = (fn: (o: Raw) => Promise<ExitCode> | ExitCode) => async (...args: unknown[]) => {
    const opts = args.at(-2) as Raw;
    out = createOutput({ json: Boolean(opts.json), quiet: Boolean(opts.quiet), ...(opts.color === false ? { color: false } : {}) });
    try {
      code = await fn(opts);
    } finally {
      out.close?.();
    }
  };
  const program = new Command('converge')
    .description('Declarative infrastructure reconciler for IM, XenAPI, PlanetLab, Seattle and DETER fedd')
    .version(VERSION)
    .showHelpAfterError()
    .exitOverride();

  common(program.command('validate [dir]').description('check manifests without contacting any backend'))
    .option('--check-credentials', 'also check that credential references can be read')
    .action((dir = 'manifests', ...rest) => run((o) => validateCommand(dir, out, { checkCredentials: Boolean(o.checkCredentials) }))(...rest));

  replaceOption(selectionOptions(common(program.command('plan [dir]').description('show what reconcile would change (exit 2 when there are changes)'))))
    .option('--out <file>', 'save the plan for `reconcile --plan`')
    .option('--prune', 'plan to delete owned objects whose manifest is gone')
    .option('--detailed-exitcode', 'exit 2 also when objects whose manifest is gone are left alone (0 = nothing to do, 2 = changes)')
    .action((dir = 'manifests', ...rest) => run((o) => planCommand(dir, out, { ...o, ...(o.out ? { out: String(o.out) } : {}) }))(...rest));

  replaceOption(selectionOptions(common(program.command('reconcile [dir]').description('make the live infrastructure match the manifests (asks first on a terminal)'))))
    .option('--auto-approve', 'apply without asking (never asked when stdin is not a terminal or CI is set)')
    .option('--plan <file>', 'apply this saved plan (refused with exit 6 if stale)')
    .option('--wait <duration>', 'how long to keep converging', '10m')
    .option('--prune', 'delete owned objects whose manifest is gone (honours deletionPolicy)')
    .option('--max-destroy <n>', 'refuse (exit 6) to destroy more objects than this')
    .option('--lock-timeout <duration>', 'wait this long for the state lock', '0s')
    .option('--parallelism <n>', 'actions in flight at once, across backends', '16')
    .option('-q, --quiet', 'print only errors and the final summary')
    .action((dir = 'manifests', ...rest) =>
      run((o) =>
        reconcileCommand(dir, out, {
          ...o,
          ...(o.plan ? { plan: String(o.plan) } : {}),
          waitMs: durationFlag('--wait', String(o.wait)),
          lockTimeoutMs: durationFlag('--lock-timeout', String(o.lockTimeout)),
          parallelism: countFlag('--parallelism', String(o.parallelism), 1),
          ...(o.maxDestroy !== undefined ? { maxDestroy: countFlag('--max-destroy', String(o.maxDestroy)) } : {}),
        }),
      )(...rest),
    );

  selectionOptions(common(program.command('watch [dir]').description('keep the live infrastructure converged to the manifests (a controller)')))
    .option('--listen <address>', 'serve /healthz, /metrics, /status and a status page here (loopback only)', '127.0.0.1:9321')
    .option('--listen-any', 'allow --listen on a non-loopback address')
    .option('--resync <duration>', 'period of the full re-read and re-queue (±10% jitter)', '10m')
    .option('--workers <n>', 'passes that may run at once, on different resources', '1')
    .option('--prune', 'delete owned objects whose manifest is gone (honours deletionPolicy)')
    .option('--max-destroy <n>', 'hold back any resource whose changes would destroy more of its objects than this (the others go on)')
    .option('--parallelism <n>', 'actions in flight at once within a pass, across backends', '16')
    .option('--pass-wait <duration>', 'how long one pass waits for objects to become ready before requeueing', '2m')
    .option('--grace <duration>', 'on SIGTERM, how long actions in flight may finish before they are aborted', '30s')
    .option('--debounce <duration>', 'quiet time after a manifest file event before reloading', '200ms')
    .option('--lock-timeout <duration>', 'wait this long for the state lock', '0s')
    .option('--log-level <level>', 'trace, debug, info, warn, error or silent', 'info')
    .option('--log-format <format>', 'json or text (default: text on a terminal, json otherwise)')
    .option('--sharded', 'share the work with other `watch --sharded` replicas of the same PostgreSQL workspace')
    .option('--replica-id <id>', 'this replica\'s id among the replicas (default host:pid)')
    .option('--shard-lease <duration>', 'how long a shard lease and a membership last without renewal', '15s')
    .option('--shard-renew <duration>', 'how often shard leases and the membership are renewed', '5s')
    .action((dir = 'manifests', ...rest) =>
      run((o) =>
        watchCommand(dir, {
          ...o,
          listen: String(o.listen),
          listenAny: Boolean(o.listenAny),
          resyncMs: durationFlag('--resync', String(o.resync)),
          workers: countFlag('--workers', String(o.workers), 1),
          prune: Boolean(o.prune),
          ...(o.maxDestroy !== undefined ? { maxDestroy: countFlag('--max-destroy', String(o.maxDestroy)) } : {}),
          parallelism: countFlag('--parallelism', String(o.parallelism), 1),
          passWaitMs: durationFlag('--pass-wait', String(o.passWait)),
          graceMs: durationFlag('--grace', String(o.grace)),
          debounceMs: durationFlag('--debounce', String(o.debounce)),
          lockTimeoutMs: durationFlag('--lock-timeout', String(o.lockTimeout)),
          logLevel: String(o.logLevel),
          ...(o.logFormat !== undefined ? { logFormat: String(o.logFormat) } : {}),
          sharded: Boolean(o.sharded),
          ...(o.replicaId !== undefined ? { replicaId: String(o.replicaId) } : {}),
          shardLeaseMs: durationFlag('--shard-lease', String(o.shardLease)),
          shardRenewMs: durationFlag('--shard-renew', String(o.shardRenew)),
        }),
      )(...rest),
    );

  common(program.command('status [dir]').description('show managed objects, their live phase, addresses and the last apply'))
    .addOption(new Option('-o, --output <format>', 'wide: a table with backend and addresses columns').choices(['wide']))
    .action((dir = 'manifests', ...rest) => run((o) => statusCommand(dir, out, { ...o, wide: o.output === 'wide' }))(...rest));

  common(program.command('output [dir] [key]').description('show how to reach managed objects: addresses, endpoints, node names (all, or one KEY)'))
    .action((dir: string | undefined, key: string | undefined, ...rest) => {
      const [d, k] = outputArgs(dir, key);
      return run((o) => outputCommand(d, k, out, o))(...rest);
    });

  registerStateCommand(program, common, (fn) => run((o) => fn(o, out)));
  registerEventsCommand(program, (fn) => run((o) => fn(o, out)));
  registerLifecycleCommands(program, common, (fn) => run((o) => fn(o, out)));

  program
    .command('schema [kind]')
    .description('print the JSON Schema of any manifest document (selects the kind by `kind`), or of one kind (Backend, Infrastructure, Slice, VesselSet)')
    .action((kind: string | undefined, ...rest) => run(() => schemaCommand(kind, out))(...rest));

  program
    .command('sim <type>')
    .description('serve a backend simulator (im, seattle, xenapi, fedd, planetlab) on 127.0.0.1; planetlab-nm --forward relays one call')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .addOption(new Option('--port <port>', 'port (0 = any free port)').default('8899'))
    .option('--persist <file>', 'keep the simulator state in this file')
    .option('--latency <ms>', 'added latency per call')
    .option('--users <file>', "im: IM's USER_DB JSON ({\"users\": [{\"username\", \"password\"}]}); only these may call")
    .option('--create-base-ms <ms>', 'im: fixed part of the time a create, AddResource or RemoveResource takes (default 100)')
    .option('--create-ms-per-vm <ms>', 'im: time per VM of a create, AddResource or RemoveResource (default 50)')
    .option('--no-corrupt-concurrent-changes', 'im: overlapping changes of one infrastructure apply in order instead of corrupting it')
    .option('--backlog <n>', 'connections in service before new ones are held (im default 5, others 0 = off)')
    .option('--backlog-penalty-ms <ms>', 'how long a held connection waits (default 1000)')
    .option('--testbeds <names>', 'fedd: comma-separated testbeds, one access controller each on --port, --port+1, … (default deter)')
    .option('--pki-dir <dir>', 'fedd: where the CA, server and client certificates and keys are kept (default <persist>.pki or a temp dir)')
    .option('--hosts <n>', 'xenapi: hosts in the simulated pool, 64 GiB each; VM.start places VMs as xapi does (default 1)')
    .option('--task-ms <ms>', 'xenapi: how long an Async task (clone, provision, start, …) takes (default 30)')
    .option('--nodes <n>', 'planetlab: how many nodes (Node Managers) to serve next to PLC (default 3)')
    .option('--poll-interval <seconds>', 'planetlab: virtual seconds between a node\'s polls of PLC, plus up to half again at random (default 600)')
    .option('--forward <nm-url>', 'planetlab-nm: relay one methodCall from stdin to this Node Manager simulator (an sshd forced command)')
    .option('--login <name>', 'planetlab-nm: the caller (ssh login name; default $USER, else $LOGNAME)')
    .option('--json', 'print the listening address as JSON')
    .action((type: string, ...rest) =>
      run((o) =>
        simCommand(type, out, {
          host: String(o.host),
          port: countFlag('--port', String(o.port)),
          ...(o.persist ? { persist: String(o.persist) } : {}),
          ...(o.latency !== undefined ? { latencyMs: countFlag('--latency', String(o.latency)) } : {}),
          ...simKnobFlags(o),
        }),
      )(...rest),
    );

  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (error) {
    const e = error as { code?: string; exitCode?: number };
    if (typeof e.code === 'string' && e.code.startsWith('commander.')) {
      return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' ? EXIT.ok : EXIT.invalid;
    }
    const converged = asConvergeError(error);
    const count = Number(converged.details.count ?? 0);
    const items = converged instanceof DiagnosticsError ? converged.diagnostics : [];
    if (converged.code === 'MANIFESTS_INVALID') out.diagnostics(converged.message, `${count} problem(s) in the manifests; no backend was contacted and nothing was changed.`, items);
    else if (converged.code === 'PLAN_CHECK_FAILED') out.diagnostics(converged.message, `${count} problem(s) found while planning; nothing was changed.`, items);
    else out.error(`${converged.message} [${converged.code}]`);
    return exitCodeForError(converged);
  }
}
