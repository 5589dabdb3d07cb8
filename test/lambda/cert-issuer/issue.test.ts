/**
 * The issuing code (lambda/cert-issuer/issue.ts): what it puts in the CA and the leaves, as openssl
 * and node:crypto read them.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BACKDATE_MS, issueCa, issueLeaf, readCertificate } from '../../../lambda/cert-issuer/issue';
import { createMeshPki, DAY_MS, SERVER_NAMES, type MeshPki } from './helpers/pki';

const openssl = (...args: string[]): string => execFileSync('openssl', args, { encoding: 'utf8', stdio: 'pipe' });

/** `openssl verify`, which exits non-zero when verification fails: its combined output. */
function opensslVerify(...args: string[]): { ok: boolean; output: string } {
  const result = spawnSync('openssl', ['verify', ...args], { encoding: 'utf8' });
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
}

let pki: MeshPki;

beforeAll(async () => {
  pki = await createMeshPki(fs.mkdtempSync(path.join(os.tmpdir(), 'cert-issuer-issue-')));
});

afterAll(() => {
  if (pki) fs.rmSync(pki.dir, { recursive: true, force: true });
});

describe('the mesh CA', () => {
  test('is a self-signed P-256 CA that may sign only leaves, as openssl reads it', () => {
    // GIVEN the CA certificate
    // WHEN openssl prints it
    const text = openssl('x509', '-in', pki.caFile, '-noout', '-text');

    // THEN it is a critical CA:TRUE with path length 0, for certificate and CRL signing, with a key id
    expect(text).toContain('Subject: CN = shop mesh CA, O = platform mesh');
    expect(text).toContain('Issuer: CN = shop mesh CA, O = platform mesh');
    expect(text).toMatch(/X509v3 Basic Constraints: critical\n\s+CA:TRUE, pathlen:0\n/);
    expect(text).toMatch(/X509v3 Key Usage: critical\n\s+Certificate Sign, CRL Sign\n/);
    expect(text).toMatch(/X509v3 Subject Key Identifier: \n\s+[0-9A-F:]{59}\n/);
    expect(text).toContain('ASN1 OID: prime256v1');
    expect(text).toContain('Signature Algorithm: ecdsa-with-SHA256');
    // AND it verifies against itself
    expect(opensslVerify('-x509_strict', '-CAfile', pki.caFile, pki.caFile)).toEqual({ ok: true, output: `${pki.caFile}: OK\n` });
  });

  test('is valid from five minutes ago for ten years, with a positive 16-byte random serial', async () => {
    // GIVEN a moment
    const now = new Date('2030-02-28T12:00:00Z');

    // WHEN two CAs are issued at it
    const [a, b] = await Promise.all([issueCa({ commonName: 'a', now }), issueCa({ commonName: 'a', now })]);

    // THEN their validity is exact, and their serials are 16 bytes, positive, and differ
    for (const ca of [a, b]) {
      expect(ca.notBefore.toISOString()).toBe('2030-02-28T11:55:00.000Z');
      expect(ca.notAfter.toISOString()).toBe('2040-02-28T12:00:00.000Z');
      expect(ca.serialNumber).toMatch(/^[4-7][0-9a-f]{31}$/);
      expect(readCertificate(ca.certificate)).toEqual({ serialNumber: ca.serialNumber, notBefore: ca.notBefore, notAfter: ca.notAfter });
    }
    expect(a.serialNumber).not.toBe(b.serialNumber);
    expect(a.privateKey).not.toBe(b.privateKey);
  });

  test('its key is PKCS#8 PEM and belongs to its certificate', () => {
    // GIVEN the CA's key
    // WHEN node:crypto reads it
    const key = createPrivateKey(pki.ca.privateKey);

    // THEN it is an unencrypted PKCS#8 P-256 key, the certificate's
    expect(pki.ca.privateKey).toMatch(/^-----BEGIN PRIVATE KEY-----\n[A-Za-z0-9+/=\n]+-----END PRIVATE KEY-----\n$/);
    expect(key.asymmetricKeyDetails).toEqual({ namedCurve: 'prime256v1' });
    expect(new X509Certificate(pki.ca.certificate).checkPrivateKey(key)).toBe(true);
  });
});

describe('a leaf', () => {
  test('verifies under the mesh CA for both TLS server and TLS client use (openssl verify)', () => {
    // GIVEN a leaf of the mesh CA
    // WHEN openssl verifies it strictly for each purpose
    // THEN it is OK for both: the same leaf serves and calls
    for (const purpose of ['sslserver', 'sslclient']) {
      expect(opensslVerify('-x509_strict', '-purpose', purpose, '-CAfile', pki.caFile, pki.server.certFile)).toEqual({
        ok: true,
        output: `${pki.server.certFile}: OK\n`,
      });
    }
  });

  test('does not verify under another CA of the same name, nor once expired', () => {
    // GIVEN leaves from the foreign CA and an expired one of the mesh CA
    // WHEN openssl verifies them against the mesh CA
    const foreign = opensslVerify('-CAfile', pki.caFile, pki.foreignClient.certFile);
    const expired = opensslVerify('-CAfile', pki.caFile, pki.expiredClient.certFile);

    // THEN the first has no issuer among the trusted (its authority key id is not the mesh CA's),
    // the second fails on its date
    expect(foreign.ok).toBe(false);
    expect(foreign.output).toContain('error 20 at 0 depth lookup: unable to get local issuer certificate');
    expect(expired.ok).toBe(false);
    expect(expired.output).toContain('error 10 at 0 depth lookup: certificate has expired');
  });

  test('names the DNS SANs and both extended key usages, as openssl reads it', () => {
    // GIVEN a leaf of the mesh CA
    // WHEN openssl prints it
    const text = openssl('x509', '-in', pki.server.certFile, '-noout', '-text');
    const caText = openssl('x509', '-in', pki.caFile, '-noout', '-text');

    // THEN it is no CA, may sign, serves and calls, under exactly its DNS names
    expect(text).toContain('Subject: CN = v1.orders.shop.local, O = platform mesh');
    expect(text).toContain('Issuer: CN = shop mesh CA, O = platform mesh');
    expect(text).toMatch(/X509v3 Basic Constraints: critical\n\s+CA:FALSE\n/);
    expect(text).toMatch(/X509v3 Key Usage: critical\n\s+Digital Signature, Key Encipherment\n/);
    expect(text).toMatch(/X509v3 Extended Key Usage: \n\s+TLS Web Server Authentication, TLS Web Client Authentication\n/);
    expect(text).toMatch(/X509v3 Subject Alternative Name: \n\s+DNS:orders\.shop\.local, DNS:v1\.orders\.shop\.local\n/);
    expect(text).toContain('ASN1 OID: prime256v1');
    // AND its authority key id is the CA's subject key id
    const caKeyId = /X509v3 Subject Key Identifier: \n\s+([0-9A-F:]+)\n/.exec(caText)?.[1];
    expect(caKeyId).toBeDefined();
    expect(text).toMatch(new RegExp(`X509v3 Authority Key Identifier: \\n\\s+(keyid:)?${caKeyId}\\n`));
    expect(text).toMatch(/X509v3 Subject Key Identifier: \n\s+[0-9A-F:]{59}\n/);
  });

  test('comes with its key (PKCS#8), a chain of leaf then CA, and the CA', () => {
    // GIVEN an issued leaf
    const { issued } = pki.server;

    // THEN the key is the leaf's, the chain is the leaf followed by the CA, and the CA is the mesh CA
    expect(issued.privateKey).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(new X509Certificate(issued.certificate).checkPrivateKey(createPrivateKey(issued.privateKey))).toBe(true);
    expect(issued.certificateChain).toBe(`${issued.certificate}${pki.ca.certificate}`);
    expect(issued.ca).toBe(pki.ca.certificate);
    expect(openssl('pkey', '-in', pki.server.keyFile, '-pubout')).toBe(openssl('x509', '-in', pki.server.certFile, '-noout', '-pubkey'));
    expect(new X509Certificate(issued.certificate).checkIssued(new X509Certificate(pki.ca.certificate))).toBe(true);
  });

  test('is valid from five minutes before `now` for validityDays, with its own random serial and key', async () => {
    // GIVEN a moment
    const now = new Date('2027-06-01T00:00:00Z');

    // WHEN two leaves are issued with the same names at it
    const options = { ca: pki.ca, commonName: 'x.shop.local', dnsNames: ['x.shop.local'], validityDays: 365, now };
    const [a, b] = await Promise.all([issueLeaf(options), issueLeaf(options)]);

    // THEN the validity is exact, and the serials and keys differ
    expect(a.notBefore.getTime()).toBe(now.getTime() - BACKDATE_MS);
    expect(a.notAfter.toISOString()).toBe('2028-05-31T00:00:00.000Z');
    expect(a.serialNumber).toMatch(/^[4-7][0-9a-f]{31}$/);
    expect(a.serialNumber).not.toBe(b.serialNumber);
    expect(a.privateKey).not.toBe(b.privateKey);
  });

  test('never outlives its CA', async () => {
    // GIVEN a CA valid for ten more days
    const ca = await issueCa({ commonName: 'short CA', validityDays: 10 });

    // WHEN a leaf for a year is issued
    const leaf = await issueLeaf({ ca, commonName: 'x', dnsNames: ['x.shop.local'], validityDays: 365 });

    // THEN it ends with the CA
    expect(leaf.notAfter).toEqual(ca.notAfter);
  });
});

describe('issuing refuses', () => {
  test('an expired CA', async () => {
    // GIVEN a CA that expired
    const ca = await issueCa({ commonName: 'old CA', now: new Date(Date.now() - 20 * DAY_MS), validityDays: 10 });

    // WHEN a leaf is issued  THEN it fails, saying the CA expired
    await expect(issueLeaf({ ca, commonName: 'x', dnsNames: ['x.shop.local'], validityDays: 30 })).rejects.toThrow(/CA certificate .* expired at/);
  });

  test('a CA whose key is not its certificate\'s, without showing the key', async () => {
    // GIVEN the mesh CA's certificate with the foreign CA's key
    const mixed = { certificate: pki.ca.certificate, privateKey: pki.foreignCa.privateKey };

    // WHEN a leaf is issued  THEN it fails, and the error shows no key
    const error = await issueLeaf({ ca: mixed, commonName: 'x', dnsNames: ['x.shop.local'], validityDays: 30 }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^the CA private key does not belong to the CA certificate \(serial [0-9a-f]+\)$/);
  });

  test('a leaf as CA', async () => {
    // GIVEN a leaf and its key posing as a CA
    const fake = { certificate: pki.client.issued.certificate, privateKey: pki.client.issued.privateKey };

    // WHEN a leaf is issued  THEN it fails
    await expect(issueLeaf({ ca: fake, commonName: 'x', dnsNames: ['x.shop.local'], validityDays: 30 })).rejects.toThrow(/is not a CA certificate/);
  });

  test('a CA key that is no key, with a message that does not quote it', async () => {
    // GIVEN a CA key that is garbage (but looks like a secret)
    const secretish = '-----BEGIN PRIVATE KEY-----\nc2VjcmV0LXNlY3JldC1zZWNyZXQ=\n-----END PRIVATE KEY-----\n';

    // WHEN a leaf is issued  THEN it fails with a fixed message
    const error = (await issueLeaf({ ca: { certificate: pki.ca.certificate, privateKey: secretish }, commonName: 'x', dnsNames: ['x.shop.local'], validityDays: 30 }).catch((e: Error) => e)) as Error;
    expect(error.message).toBe('the CA private key is not a PKCS#8 PEM ECDSA P-256 key');
  });

  test('no DNS names, and validity that is no whole number of days', async () => {
    const base = { ca: pki.ca, commonName: 'x', dnsNames: SERVER_NAMES, validityDays: 30 };
    // GIVEN/WHEN/THEN each bad option fails
    await expect(issueLeaf({ ...base, dnsNames: [] })).rejects.toThrow(/dnsNames/);
    await expect(issueLeaf({ ...base, validityDays: 0 })).rejects.toThrow(/validityDays/);
    await expect(issueLeaf({ ...base, validityDays: 1.5 })).rejects.toThrow(/validityDays/);
    await expect(issueCa({ commonName: 'x', validityDays: -1 })).rejects.toThrow(/validityDays/);
  });
});
