/**
 * FeddSetup is everything a FeddDriver needs that comes from outside its Backend's spec: the
 * access-controller URL of each testbed (the embedded simulator's for `embedded` ones), the
 * identity it presents, the CA to trust, and the three-level-name credentials. readFeddSetup
 * reads the references (certificate, key, credentials) at the last moment, into Secrets.
 */
import { ConvergeError } from '../../errors/converge-error.js';
import { Secret } from '../../errors/secret.js';
import { readCredential, resolveFromManifest } from '../../manifest/credentials.js';
import type { BackendResource } from '../../manifest/types.js';

/** EmbeddedTestbeds is what the embedded simulator hands the driver. */
export interface EmbeddedTestbeds {
  urls: Record<string, string>;
  caPem: string;
  client: { certPem: string; keyPem: string };
}

/** FeddSetup: resolved testbed URLs, identity (the key as a Secret), trust and credentials. */
export interface FeddSetup {
  testbeds: Record<string, string>;
  identity: { certPem: string; key: Secret };
  caPem?: string;
  caFile?: string;
  credentials: string[];
}

/** readFeddSetup reads a fedd Backend's references; INVALID errors name what is missing, never a value. */
export async function readFeddSetup(backend: BackendResource, embedded: EmbeddedTestbeds | undefined): Promise<FeddSetup> {
  const settings = backend.spec.fedd;
  const name = backend.metadata.name;
  if (!settings) throw new ConvergeError('INVALID', 'FEDD_SETTINGS', `backend ${name}: a fedd backend declares its testbeds (spec.testbeds)`);
  const testbeds = Object.fromEntries(settings.testbeds.map((t) => [t.name, t.url === 'embedded' ? embedded?.urls[t.name] ?? '' : t.url]));
  const file = backend.source.file;
  let identity: FeddSetup['identity'];
  if (settings.identity) {
    const certificate = await readCredential(settings.identity.certificate, file);
    identity = { certPem: certificate.reveal(), key: await readCredential(settings.identity.key, file) };
  } else if (embedded && settings.testbeds.every((t) => t.url === 'embedded')) {
    identity = { certPem: embedded.client.certPem, key: new Secret(embedded.client.keyPem, 'embedded simulator') };
  } else {
    throw new ConvergeError('INVALID', 'FEDD_IDENTITY', `backend ${name}: spec.identity (a client certificate and key, by reference) is required when a testbed is not embedded`);
  }
  const credentials = backend.spec.credentials ? parseCredentials(await readCredential(backend.spec.credentials, file), name) : [];
  const caFile = backend.spec.tls.caFile ? resolveFromManifest(file, backend.spec.tls.caFile) : undefined;
  return { testbeds, identity, credentials, ...(embedded ? { caPem: embedded.caPem } : {}), ...(caFile ? { caFile } : {}) };
}

/**
 * parseCredentials reads fedd's three-level-name credentials, one per line (`user:alice`,
 * `project:TIED`; blank lines and # comments skipped). Their content never enters a message.
 */
export function parseCredentials(secret: Secret, backend: string): string[] {
  const lines = secret.reveal().split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  const bad = lines.findIndex((l) => !/^[a-z]+:\S+$/.test(l));
  if (bad >= 0) {
    throw new ConvergeError('INVALID', 'FEDD_CREDENTIALS', `backend ${backend}: credentials (${secret.source}) line ${bad + 1} is not <kind>:<name> (e.g. user:alice, project:TIED)`);
  }
  return lines;
}
