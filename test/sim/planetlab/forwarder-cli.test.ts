/**
 * The forwarder as the process an sshd forced command runs (`converge sim planetlab-nm
 * --forward`, spawned with node from dist/): one methodCall on stdin, the caller from $USER or
 * --login, the bare methodResponse on stdout; and `converge sim planetlab` serving PLC and nodes.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { decodeResponse, encodeCall } from '../../../src/xmlrpc/codec.js';
import type { XmlRpcValue } from '../../../src/xmlrpc/value.js';
import { CLI, ROOT, assertBuilt, startCli } from '../../helpers/cli.js';
import { PI, addSlice, post, startTestPlanetLab, type TestPlanetLab } from './helpers.js';

const CTL = 'princeton_ctl';
/** LEAN is the same forwarder without the CLI around it (what a busy sshd should run). */
const LEAN = join(ROOT, 'dist', 'src', 'backends', 'planetlab', 'sim', 'forwarder', 'main.js');

interface ForwarderRun {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

function runForwarder(args: string[], stdin: string, env: Record<string, string>, entry: 'cli' | 'lean' = 'cli'): Promise<ForwarderRun> {
  const command = entry === 'cli' ? [CLI, 'sim', 'planetlab-nm', ...args] : [LEAN, ...args];
  const child = spawn(process.execPath, command, { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => out.push(c));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdin.end(stdin);
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr })));
}

async function decoded(run: ForwarderRun): Promise<{ ok: true; value: XmlRpcValue } | { ok: false; faultCode: number; faultString: string }> {
  return decodeResponse(run.stdout);
}

const sims: TestPlanetLab[] = [];
beforeAll(() => assertBuilt());
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.close()));
});

describe('converge sim planetlab-nm --forward', () => {
  it('relays one call with the caller taken from $USER, or from --login (CLI and lean entry)', async () => {
    const pl = await startTestPlanetLab();
    sims.push(pl);
    await addSlice(pl, CTL, { instantiation: 'nm-controller' });
    await addSlice(pl, 'princeton_x', { instantiation: 'delegated' });
    await pl.plc('AddSliceTag', PI, 'princeton_x', 'delegations', CTL);
    await pl.plc('converge.sim.planetlab.pollAll');
    const nodeUrl = pl.nodes[0]!.url;

    const created = await runForwarder(['--forward', nodeUrl], encodeCall('Create', ['princeton_x']), { USER: CTL });
    expect(created.code).toBe(0);
    expect(created.stdout.toString()).toMatch(/^<\?xml/);
    expect(await decoded(created)).toEqual({ ok: true, value: 1 });

    const stranger = await runForwarder(['--forward', nodeUrl, '--login', 'princeton_other'], encodeCall('Stop', ['princeton_x']), { USER: CTL }, 'lean');
    expect(await decoded(stranger)).toEqual({ ok: false, faultCode: 108, faultString: 'princeton_other: Permission denied.' });

    const calls = pl.sim.nodes[0]!.knobs.log.since().map((e) => e.method);
    expect(calls).toEqual(['Create', 'Stop']);
  });

  it('answers with its own fault 1 and exit status 1 when the Node Manager is not listening', async () => {
    const pl = await startTestPlanetLab();
    const deadUrl = pl.nodes[0]!.url;
    await pl.close();
    const run = await runForwarder(['--forward', deadUrl], encodeCall('GetXIDs', []), { LOGNAME: CTL });
    expect(run.code).toBe(1);
    expect(await decoded(run)).toEqual({ ok: false, faultCode: 1, faultString: 'connect(): Connection refused' });
  });
});

describe('converge sim planetlab', () => {
  it('serves PLC and --nodes Node Managers, prints their URLs, and stops on SIGTERM', async () => {
    const child = startCli(['sim', 'planetlab', '--port', '0', '--nodes', '2', '--json']);
    const [line] = (await once(child.stdout!, 'data')) as [Buffer];
    const listening = JSON.parse(line.toString().split('\n')[0]!) as { url: string; nodes: Array<{ hostname: string; url: string }> };
    expect(listening.url).toMatch(/\/PLCAPI\/$/);
    expect(listening.nodes.map((n) => n.hostname)).toEqual(['node1.princeton.test', 'node2.upmc.test']);
    expect(await post(listening.url, 'AuthCheck', [PI])).toEqual({ ok: true, value: 1 });
    expect(await post(listening.nodes[1]!.url, 'GetXIDs', [])).toEqual({ ok: true, value: {} });
    child.kill('SIGTERM');
    expect((await child.result).code).toBe(0);
  });
});
