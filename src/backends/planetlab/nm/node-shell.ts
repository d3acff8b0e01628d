/**
 * NodeShell is how the driver reaches the nodes: the embedded simulator's in-process pipe when
 * the registry gives one (`url: embedded` only), else the OpenSSH client with the Backend's key
 * and known_hosts. A key or known_hosts given by file is used where it is (ssh itself refuses a
 * key file others can read); one given through the environment is written to a private
 * temporary directory (0700, the file 0600), removed by `close`. Prepared on first use, so a pass
 * without delegated slices never touches them.
 */
import { constants } from 'node:fs';
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConvergeError } from '../../../errors/converge-error.js';
import { readCredential, resolveFromManifest } from '../../../manifest/credentials.js';
import type { CredentialRef } from '../../../manifest/types.js';
import { opensshRunner } from '../../../xmlrpc/ssh/openssh-runner.js';
import type { PipeRunner } from '../../../xmlrpc/ssh/pipe-runner.js';
import type { SshOptions } from './ssh-options.js';

export interface NodeShellSettings {
  backend: string;
  /** manifestFile is the Backend's manifest, against which fromFile paths resolve. */
  manifestFile: string;
  ssh: SshOptions;
  connectTimeoutMs: number;
  /** embedded is the in-process pipe of `url: embedded`. */
  embedded?: PipeRunner;
}

export class NodeShell {
  readonly #settings: NodeShellSettings;
  #runner: Promise<PipeRunner> | undefined;
  #tempDir: string | undefined;

  constructor(settings: NodeShellSettings) {
    this.#settings = settings;
  }

  /** configured says whether sessions can be opened at all (for the plan-time check). */
  get configured(): boolean {
    const { ssh, embedded } = this.#settings;
    return embedded !== undefined || (ssh.privateKey !== undefined && ssh.knownHosts !== undefined);
  }

  runner(): Promise<PipeRunner> {
    this.#runner ??= this.#prepare().catch((error: unknown) => {
      this.#runner = undefined;
      throw error;
    });
    return this.#runner;
  }

  async close(): Promise<void> {
    const dir = this.#tempDir;
    this.#tempDir = undefined;
    if (dir) await rm(dir, { recursive: true, force: true });
  }

  async #prepare(): Promise<PipeRunner> {
    const { ssh, embedded, backend, manifestFile } = this.#settings;
    if (embedded) return embedded;
    if (!ssh.privateKey || !ssh.knownHosts) {
      throw new ConvergeError('INVALID', 'SSH_NOT_CONFIGURED', `backend ${backend}: delegated slices are driven over ssh, which needs spec.ssh.privateKey and spec.ssh.knownHosts (node host keys are always verified)`);
    }
    const identityFile = await this.#file(ssh.privateKey, manifestFile, 'identity');
    const knownHostsFile = await this.#file(ssh.knownHosts, manifestFile, 'known_hosts');
    return opensshRunner({
      identityFile,
      knownHostsFile,
      connectTimeoutMs: this.#settings.connectTimeoutMs,
      ...(ssh.configFile ? { configFile: resolveFromManifest(manifestFile, ssh.configFile) } : {}),
      ...(ssh.port !== undefined ? { port: ssh.port } : {}),
    });
  }

  /** #file is the path of a referenced file, or of a private copy of an environment variable. */
  async #file(ref: CredentialRef, manifestFile: string, name: string): Promise<string> {
    if ('fromFile' in ref) {
      const path = resolveFromManifest(manifestFile, ref.fromFile);
      await access(path, constants.R_OK).catch((error: unknown) => {
        throw new ConvergeError('INVALID', 'CREDENTIAL_UNREADABLE', `backend ${this.#settings.backend}: cannot read ${path} (spec.ssh): ${(error as Error).message}`, { file: path });
      });
      return path;
    }
    const value = (await readCredential(ref, manifestFile)).reveal();
    this.#tempDir ??= await mkdtemp(join(tmpdir(), 'converge-ssh-'));
    const file = join(this.#tempDir, name);
    await writeFile(file, value.endsWith('\n') ? value : `${value}\n`, { mode: 0o600 });
    return file;
  }
}
