/**
 * Issues the mesh's certificates: a private CA and leaves signed by it, with ECDSA P-256 keys, as
 * PEM (certificates) and PKCS#8 PEM (keys). Pure: no AWS, no I/O; `now` may be any date, so tests
 * can issue certificates that have already expired.
 *
 * Error messages never contain key material: whatever fails while reading a key or certificate is
 * reported with a fixed message.
 */
import 'reflect-metadata'; // tsyringe, which @peculiar/x509 uses, needs it before it loads
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

const crypto = webcrypto;
x509.cryptoProvider.set(crypto);

const EC_KEY: webcrypto.EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
const SIGNING: webcrypto.EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };
/** Certificates are valid from a little before they were issued, for clocks that lag. */
export const BACKDATE_MS = 5 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
/** The organization in every subject. */
export const MESH_ORGANIZATION = 'platform mesh';

/** A certificate and its key, as stored in a secret. */
export interface CertificateAndKey {
  /** The certificate (PEM). */
  readonly certificate: string;
  /** Its private key (PKCS#8 PEM). */
  readonly privateKey: string;
}

/** What was issued, besides the PEMs. */
export interface IssuedMetadata {
  /** Hexadecimal, lower case, without separators. */
  readonly serialNumber: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

export type IssuedCa = CertificateAndKey & IssuedMetadata;

export interface IssuedLeaf extends CertificateAndKey, IssuedMetadata {
  /** The leaf followed by the CA (PEM): what a proxy presents. */
  readonly certificateChain: string;
  /** The CA (PEM): what a proxy trusts. */
  readonly ca: string;
}

export interface IssueCaOptions {
  readonly commonName: string;
  /** @default - the current time */
  readonly now?: Date;
  /** @default - ten years */
  readonly validityDays?: number;
}

export interface IssueLeafOptions {
  /** The CA that signs the leaf. */
  readonly ca: CertificateAndKey;
  readonly commonName: string;
  /** The DNS subject alternative names: what peers check. At least one. */
  readonly dnsNames: readonly string[];
  /** Days from `now`; the leaf never outlives its CA. */
  readonly validityDays: number;
  /** @default - the current time */
  readonly now?: Date;
}

/** 16 random bytes, positive and without a leading zero byte, so the serial is exactly 16 bytes. */
function randomSerial(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0] & 0x7f) | 0x40;
  return Buffer.from(bytes).toString('hex');
}

const subject = (commonName: string): x509.JsonName => [{ CN: [commonName] }, { O: [MESH_ORGANIZATION] }];

/** PEM ending with a newline, as files and concatenated chains expect. */
const pem = (text: string): string => (text.endsWith('\n') ? text : `${text}\n`);

async function exportPrivateKey(key: CryptoKey): Promise<string> {
  return pem(x509.PemConverter.encode(await crypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY'));
}

function metadata(cert: x509.X509Certificate): IssuedMetadata {
  return { serialNumber: cert.serialNumber, notBefore: cert.notBefore, notAfter: cert.notAfter };
}

/** The serial number and validity of a PEM certificate. */
export function readCertificate(certificatePem: string): IssuedMetadata {
  let cert: x509.X509Certificate;
  try {
    cert = new x509.X509Certificate(certificatePem);
  } catch {
    throw new Error('not a PEM X.509 certificate');
  }
  return metadata(cert);
}

function assertValidity(days: number, what: string): void {
  if (!Number.isInteger(days) || days < 1) throw new Error(`${what} must be a positive whole number of days, got ${days}`);
}

/** A self-signed CA that may sign leaves only (pathLen 0). */
export async function issueCa(options: IssueCaOptions): Promise<IssuedCa> {
  const now = options.now ?? new Date();
  let notAfter: Date;
  if (options.validityDays === undefined) {
    notAfter = new Date(now);
    notAfter.setUTCFullYear(notAfter.getUTCFullYear() + 10);
  } else {
    assertValidity(options.validityDays, 'validityDays');
    notAfter = new Date(now.getTime() + options.validityDays * DAY_MS);
  }
  const keys = (await crypto.subtle.generateKey(EC_KEY, true, ['sign', 'verify'])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: subject(options.commonName),
    notBefore: new Date(now.getTime() - BACKDATE_MS),
    notAfter,
    keys,
    signingAlgorithm: SIGNING,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certificate: pem(cert.toString('pem')), privateKey: await exportPrivateKey(keys.privateKey), ...metadata(cert) };
}

/** Reads a CA: its certificate must be a CA and its key must be the certificate's. */
async function loadCa(ca: CertificateAndKey): Promise<{ cert: x509.X509Certificate; key: CryptoKey }> {
  let cert: x509.X509Certificate;
  try {
    cert = new x509.X509Certificate(ca.certificate);
  } catch {
    throw new Error('the CA certificate is not a PEM X.509 certificate');
  }
  const constraints = cert.getExtension(x509.BasicConstraintsExtension);
  if (!constraints?.ca) throw new Error(`the CA certificate (serial ${cert.serialNumber}) is not a CA certificate`);
  let key: CryptoKey;
  try {
    key = await crypto.subtle.importKey('pkcs8', x509.PemConverter.decodeFirst(ca.privateKey), EC_KEY, false, ['sign']);
  } catch {
    throw new Error('the CA private key is not a PKCS#8 PEM ECDSA P-256 key');
  }
  return { cert, key };
}

/** A leaf for both ends of mutual TLS (serverAuth and clientAuth), signed by the CA. */
export async function issueLeaf(options: IssueLeafOptions): Promise<IssuedLeaf> {
  if (options.dnsNames.length === 0) throw new Error('dnsNames must name at least one DNS name');
  assertValidity(options.validityDays, 'validityDays');
  const now = options.now ?? new Date();
  const ca = await loadCa(options.ca);
  if (ca.cert.notAfter.getTime() <= now.getTime()) {
    throw new Error(`the CA certificate (serial ${ca.cert.serialNumber}) expired at ${ca.cert.notAfter.toISOString()}`);
  }
  const caKeyId = ca.cert.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
  const keys = (await crypto.subtle.generateKey(EC_KEY, true, ['sign', 'verify'])) as CryptoKeyPair;
  const notAfter = new Date(Math.min(now.getTime() + options.validityDays * DAY_MS, ca.cert.notAfter.getTime()));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: subject(options.commonName),
    issuer: ca.cert.subjectName,
    notBefore: new Date(now.getTime() - BACKDATE_MS),
    notAfter,
    publicKey: keys.publicKey,
    signingKey: ca.key,
    signingAlgorithm: SIGNING,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
      new x509.SubjectAlternativeNameExtension(options.dnsNames.map((value) => ({ type: 'dns' as const, value }))),
      caKeyId
        ? new x509.AuthorityKeyIdentifierExtension(caKeyId)
        : await x509.AuthorityKeyIdentifierExtension.create(ca.cert.publicKey),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  // A CA secret whose key is not its certificate's would sign leaves nobody can verify.
  if (!(await cert.verify({ publicKey: ca.cert.publicKey, signatureOnly: true }))) {
    throw new Error(`the CA private key does not belong to the CA certificate (serial ${ca.cert.serialNumber})`);
  }
  const certificate = pem(cert.toString('pem'));
  const caPem = pem(ca.cert.toString('pem'));
  return {
    certificate,
    certificateChain: certificate + caPem,
    privateKey: await exportPrivateKey(keys.privateKey),
    ca: caPem,
    ...metadata(cert),
  };
}
