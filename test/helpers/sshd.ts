/**
 * A real OpenSSH sshd per simulated PlanetLab node, for the tests of the delegated path
 * (Debian's openssh-server; scripts/ensure-sshd.sh installs it when /usr/sbin/sshd is missing).
 *
 * Each node gets its own sshd on a free loopback port, run as root in the foreground
 * (`sshd -f <config> -D -e`) with a temporary config: its own ed25519 host key, UsePAM no,
 * StrictModes no, key authentication only, and an AuthorizedKeysFile in the temp directory
 * holding one key per nm-controller slice, each with a forced command that runs the simulator's
 * forwarder for that node and that controller:
 *
 *   command="<node> dist/src/cli/main.js sim planetlab-nm --forward <nm-url> --login <controller>"
 *
 * Decision: every session logs in as root (which always exists, so the tests create no system
 * users) and the key decides the controller, as a controller's own account and login shell do on
 * a real node; the driver is told `ssh.user: root`. The helper also writes the
 * known_hosts (each node by its PLC hostname) and an ssh_config mapping hostnames to
 * 127.0.0.1:<port> (with HostKeyAlias, so host keys are checked against the hostname).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CLI } from './cli.js';

const run = promisify(execFile);
export const SSHD = '/usr/sbin/sshd';

/** sshdAvailable: sshd installed and we are root (sshd needs root to switch to the login user). */
export function sshdAvailable(): boolean {
  return existsSync(SSHD) && typeof process.getuid === 'function' && process.getuid() === 0;
}

export interface SshdNodeSpec {
  hostname: string;
  nmUrl: string;
}

export interface TestSshd {
  dir: string;
  /** keyFile(controller) is the private key that logs in as that controller. */
  keyFile(controller: string): string;
  knownHostsFile: string;
  configFile: string;
  /** ports maps each node's hostname to its sshd port. */
  ports: Map<string, number>;
  /** otherHostKeyLine is a known_hosts line with a key no node has, for `hostname`. */
  otherHostKeyLine(hostname: string): Promise<string>;
  close(): Promise<void>;
}

export async function startSshd(nodes: readonly SshdNodeSpec[], controllers: readonly string[]): Promise<TestSshd> {
  const dir = await mkdtemp(join(tmpdir(), 'converge-sshd-'));
  await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
  const processes: ChildProcess[] = [];
  const ports = new Map<string, number>();
  try {
    for (const controller of controllers) await keygen(join(dir, `${controller}.key`));
    const knownHosts: string[] = [];
    const config: string[] = [];
    for (const [i, node] of nodes.entries()) {
      const nodeDir = join(dir, `node${i}`);
      await mkdir(nodeDir);
      await keygen(join(nodeDir, 'host_key'));
      await writeFile(join(nodeDir, 'authorized_keys'), await authorizedKeys(dir, node, controllers));
      const { port, child } = await startOne(nodeDir);
      processes.push(child);
      ports.set(node.hostname, port);
      knownHosts.push(`${node.hostname} ${(await readFile(join(nodeDir, 'host_key.pub'), 'utf8')).trim().split(' ').slice(0, 2).join(' ')}`);
      config.push(`Host ${node.hostname}`, '  HostName 127.0.0.1', `  Port ${port}`, `  HostKeyAlias ${node.hostname}`, '');
    }
    const knownHostsFile = join(dir, 'known_hosts');
    const configFile = join(dir, 'ssh_config');
    await writeFile(knownHostsFile, `${knownHosts.join('\n')}\n`);
    await writeFile(configFile, config.join('\n'));
    return {
      dir,
      keyFile: (controller) => join(dir, `${controller}.key`),
      knownHostsFile,
      configFile,
      ports,
      otherHostKeyLine: async (hostname) => {
        await keygen(join(dir, 'impostor'));
        return `${hostname} ${(await readFile(join(dir, 'impostor.pub'), 'utf8')).trim().split(' ').slice(0, 2).join(' ')}`;
      },
      close: async () => {
        await Promise.all(processes.map(stop));
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await Promise.all(processes.map(stop));
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

async function keygen(file: string): Promise<void> {
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'converge-test', '-f', file]);
}

async function authorizedKeys(dir: string, node: SshdNodeSpec, controllers: readonly string[]): Promise<string> {
  const lines: string[] = [];
  for (const controller of controllers) {
    const key = (await readFile(join(dir, `${controller}.key.pub`), 'utf8')).trim();
    const command = `${process.execPath} ${CLI} sim planetlab-nm --forward ${node.nmUrl} --login ${controller}`;
    lines.push(`command="${command}",no-pty,no-port-forwarding,no-agent-forwarding,no-X11-forwarding ${key}`);
  }
  return `${lines.join('\n')}\n`;
}

/** startOne runs one sshd on a free port (retrying if another process took the port first). */
async function startOne(nodeDir: string): Promise<{ port: number; child: ChildProcess }> {
  for (let attempt = 0; ; attempt += 1) {
    const port = await freePort();
    await writeFile(join(nodeDir, 'sshd_config'), sshdConfig(nodeDir, port));
    const child = spawn(SSHD, ['-f', join(nodeDir, 'sshd_config'), '-D', '-e'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    if (await listening(port, child)) return { port, child };
    await stop(child);
    if (attempt >= 3) throw new Error(`sshd did not start: ${stderr}`);
  }
}

function sshdConfig(nodeDir: string, port: number): string {
  return [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${join(nodeDir, 'host_key')}`,
    `PidFile ${join(nodeDir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(nodeDir, 'authorized_keys')}`,
    'UsePAM no',
    'StrictModes no',
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PermitRootLogin prohibit-password',
    'AllowUsers root',
    'UseDNS no',
    'PrintMotd no',
    'MaxStartups 64',
    'LogLevel ERROR',
    '',
  ].join('\n');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function listening(port: number, child: ChildProcess): Promise<boolean> {
  for (let i = 0; i < 100; i += 1) {
    if (child.exitCode !== null) return false;
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const closed = new Promise((resolve) => child.once('close', resolve));
  child.kill('SIGTERM');
  await closed;
}
