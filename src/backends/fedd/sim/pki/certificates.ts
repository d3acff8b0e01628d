/**
 * X.509 certificates for the simulator: its own CA, a server certificate per access controller,
 * client certificates for callers (converge, tests), and self-signed allocation certificates
 * (fedd mints a key pair per allocation and calls the experiment controller back under it).
 *
 * Keys are made by node:crypto (native, asynchronous); certificates are built and signed with
 * `node-forge`, because node:crypto can parse X.509 but cannot create it. RSA 2048 throughout,
 * like the M2Crypto-made certificates fedd used.
 */
import { generateKeyPair, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import forge from 'node-forge';
import { fedidOfCertificate } from './fedid.js';

/** Identity is a certificate and its private key, both PEM, and the certificate's fedid. */
export interface Identity {
  certPem: string;
  keyPem: string;
  fedid: Buffer;
}

/** CertificateRequest says what to put in a certificate beyond its key. */
export interface CertificateRequest {
  commonName: string;
  /** serverNames become subjectAltName entries (DNS names or IP addresses) and serverAuth usage. */
  serverNames?: string[];
  /** client adds clientAuth usage. */
  client?: boolean;
}

const VALID_YEARS = 10;

/** createAuthority makes a self-signed CA. */
export async function createAuthority(commonName: string): Promise<Identity> {
  const keys = await newKeyPair();
  const cert = baseCertificate(keys.publicKey, commonName);
  cert.setIssuer(cert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  return finish(cert, keys.privateKeyPem, keys.privateKey);
}

/** issueCertificate makes a key pair and a certificate for it signed by `authority`. */
export async function issueCertificate(authority: Identity, request: CertificateRequest): Promise<Identity> {
  const keys = await newKeyPair();
  const cert = baseCertificate(keys.publicKey, request.commonName);
  const issuer = forge.pki.certificateFromPem(authority.certPem);
  cert.setIssuer(issuer.subject.attributes);
  cert.setExtensions(leafExtensions(request));
  return finish(cert, keys.privateKeyPem, forge.pki.privateKeyFromPem(authority.keyPem));
}

/** selfSignedCertificate makes a key pair and a self-signed leaf certificate (fedd's own kind). */
export async function selfSignedCertificate(request: CertificateRequest): Promise<Identity> {
  const keys = await newKeyPair();
  const cert = baseCertificate(keys.publicKey, request.commonName);
  cert.setIssuer(cert.subject.attributes);
  cert.setExtensions(leafExtensions(request));
  return finish(cert, keys.privateKeyPem, keys.privateKey);
}

function leafExtensions(request: CertificateRequest): object[] {
  const names = request.serverNames ?? [];
  const extensions: object[] = [
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: names.length > 0, clientAuth: request.client ?? names.length === 0 },
    { name: 'subjectKeyIdentifier' },
  ];
  if (names.length > 0) {
    extensions.push({ name: 'subjectAltName', altNames: names.map((n) => (isIP(n) ? { type: 7, ip: n } : { type: 2, value: n })) });
  }
  return extensions;
}

interface ForgeKeys {
  publicKey: forge.pki.PublicKey;
  privateKey: forge.pki.rsa.PrivateKey;
  privateKeyPem: string;
}

async function newKeyPair(): Promise<ForgeKeys> {
  const { publicKey, privateKey } = await new Promise<{ publicKey: string; privateKey: string }>((resolve, reject) =>
    generateKeyPair(
      'rsa',
      { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } },
      (error, pub, priv) => (error ? reject(error) : resolve({ publicKey: pub, privateKey: priv })),
    ),
  );
  return { publicKey: forge.pki.publicKeyFromPem(publicKey), privateKey: forge.pki.privateKeyFromPem(privateKey), privateKeyPem: privateKey };
}

/**
 * positiveSerial: 16 random bytes as an INTEGER DER can carry minimally: first byte in 0x40–0x7f
 * (positive, and never a leading zero byte, which OpenSSL 3 refuses as "illegal padding"; the old
 * `0` + 30 hex digits gave forge a leading 0x00 whenever the next byte was below 0x80).
 */
export function positiveSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x3f) | 0x40;
  return bytes.toString('hex');
}

function baseCertificate(publicKey: forge.pki.PublicKey, commonName: string): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = positiveSerial();
  const now = Date.now();
  cert.validity.notBefore = new Date(now - 24 * 3600 * 1000);
  cert.validity.notAfter = new Date(now + VALID_YEARS * 365 * 24 * 3600 * 1000);
  cert.setSubject([{ name: 'commonName', value: commonName }]);
  return cert;
}

function finish(cert: forge.pki.Certificate, keyPem: string, signer: forge.pki.rsa.PrivateKey): Identity {
  cert.sign(signer, forge.md.sha256.create());
  const certPem = forge.pki.certificateToPem(cert);
  return { certPem, keyPem, fedid: fedidOfCertificate(certPem) };
}
