/**
 * FeddPki holds the simulator's certificates and keys: its CA, one server identity per testbed,
 * the client identity written for converge, and one identity per allocation (fedd keeps those
 * in its `certdir`). With a directory, each is a PEM pair on disk (keys mode 0600) and a
 * restarted simulator finds the same ones, so clients keep trusting it and allocIDs stay valid.
 * Without one, they live in memory only.
 *
 * Keys never go into the simulator's state file: that file names allocations by fedid only.
 *
 * Layout of the directory:
 *   ca.pem                         the CA certificate (give it to clients as their trust anchor)
 *   ca.key
 *   testbed-<name>.pem / .key      server certificate of that testbed's access controller
 *   converge.pem / converge.key    a client certificate for converge (authorized by default)
 *   allocations/<hex>.pem / .key   allocation identities, named by fedid
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createAuthority, issueCertificate, selfSignedCertificate, type Identity } from './certificates.js';
import { fedidHex, fedidOfCertificate } from './fedid.js';

/** CLIENT_NAME is the file stem of the client identity written for converge. */
export const CLIENT_NAME = 'converge';

/** PemFiles are where an identity's certificate and key were written. */
export interface PemFiles {
  certPath: string;
  keyPath: string;
}

export class FeddPki {
  readonly dir: string | undefined;
  readonly #memory = new Map<string, Identity>();
  #authority: Identity | undefined;

  private constructor(dir: string | undefined) {
    this.dir = dir;
  }

  /** open loads the CA from `dir` or makes a new one (and the directory). */
  static async open(dir: string | undefined): Promise<FeddPki> {
    const pki = new FeddPki(dir);
    if (dir) mkdirSync(join(dir, 'allocations'), { recursive: true, mode: 0o700 });
    pki.#authority = pki.#load('ca') ?? pki.#save('ca', await createAuthority('converge fedd simulator CA'));
    return pki;
  }

  get authority(): Identity {
    if (!this.#authority) throw new Error('PKI not opened');
    return this.#authority;
  }

  /** serverIdentity is testbed `name`'s server certificate, made on first use. */
  async serverIdentity(name: string, hostNames: string[]): Promise<Identity> {
    const stem = `testbed-${name}`;
    return this.#load(stem) ?? this.#save(stem, await issueCertificate(this.authority, { commonName: `${name}.fedd.sim`, serverNames: hostNames }));
  }

  /** clientIdentity is a CA-signed client certificate stored as `<stem>.pem/.key`, made on first use. */
  async clientIdentity(stem: string = CLIENT_NAME): Promise<Identity> {
    return this.#load(stem) ?? this.#save(stem, await issueCertificate(this.authority, { commonName: stem, client: true }));
  }

  /** issueClient makes a fresh CA-signed client certificate that is not stored (for tests). */
  issueClient(commonName: string): Promise<Identity> {
    return issueCertificate(this.authority, { commonName, client: true });
  }

  /** newAllocationIdentity mints the key pair behind a new allocID and stores it under its fedid. */
  async newAllocationIdentity(testbed: string): Promise<Identity> {
    const identity = await selfSignedCertificate({ commonName: `allocation on ${testbed}`, client: true });
    return this.#save(join('allocations', fedidHex(identity.fedid)), identity);
  }

  /** allocationIdentity returns the stored identity of allocation `hex`, if it still exists. */
  allocationIdentity(hex: string): Identity | undefined {
    return this.#load(join('allocations', hex));
  }

  /** dropAllocationIdentity forgets an allocation's key pair (ReleaseAccess, forgetting restarts). */
  dropAllocationIdentity(hex: string): void {
    const stem = join('allocations', hex);
    this.#memory.delete(stem);
    if (!this.dir) return;
    for (const ext of ['.pem', '.key']) rmSync(join(this.dir, stem + ext), { force: true });
  }

  /** files says where `stem`'s PEM files are, when the PKI has a directory. */
  files(stem: string): PemFiles | undefined {
    return this.dir ? { certPath: join(this.dir, `${stem}.pem`), keyPath: join(this.dir, `${stem}.key`) } : undefined;
  }

  #load(stem: string): Identity | undefined {
    const cached = this.#memory.get(stem);
    if (cached || !this.dir) return cached;
    const files = this.files(stem) as PemFiles;
    if (!existsSync(files.certPath) || !existsSync(files.keyPath)) return undefined;
    const certPem = readFileSync(files.certPath, 'utf8');
    const identity = { certPem, keyPem: readFileSync(files.keyPath, 'utf8'), fedid: fedidOfCertificate(certPem) };
    this.#memory.set(stem, identity);
    return identity;
  }

  #save(stem: string, identity: Identity): Identity {
    this.#memory.set(stem, identity);
    const files = this.files(stem);
    if (files) {
      writeFileSync(files.keyPath, identity.keyPem, { mode: 0o600 });
      writeFileSync(files.certPath, identity.certPem, { mode: 0o644 });
    }
    return identity;
  }
}
