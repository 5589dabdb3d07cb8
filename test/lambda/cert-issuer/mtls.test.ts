/**
 * Mutual TLS for real: certificates from the issuing code, written to files, handed to real TLS
 * peers on 127.0.0.1 (node:tls and openssl), which must accept the mesh's proxies and refuse
 * everyone else.
 */
import { X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CLIENT_NAMES, createMeshPki, SERVER_NAME, SERVER_NAMES, type MeshPki } from './helpers/pki';
import { connectClient, GREETING, MtlsServer, OpensslServer, runOpensslClient } from './helpers/tls';

let pki: MeshPki;
let server: MtlsServer;
const started: { stop(): Promise<void> }[] = [];

beforeAll(async () => {
  pki = await createMeshPki(fs.mkdtempSync(path.join(os.tmpdir(), 'cert-issuer-mtls-')));
  server = await MtlsServer.start({ caFile: pki.caFile, chainFile: pki.server.chainFile, keyFile: pki.server.keyFile });
  started.push({ stop: () => server.close() });
});

afterAll(async () => {
  await Promise.all(started.map((s) => s.stop()));
  if (pki) fs.rmSync(pki.dir, { recursive: true, force: true });
});

describe('a node:tls server requiring client certificates from the mesh CA', () => {
  test('accepts a mesh proxy presenting its leaf, and the proxy verifies the server by its DNS SAN', async () => {
    // GIVEN the server's next connection
    const outcome = server.nextOutcome();

    // WHEN a proxy of the mesh connects with its leaf, expecting the server's DNS name
    const client = await connectClient({
      port: server.port,
      caFile: pki.caFile,
      expectedName: SERVER_NAME,
      chainFile: pki.client.chainFile,
      keyFile: pki.client.keyFile,
    });

    // THEN both ends complete the handshake: the client got the server's answer, the server saw the
    // client's certificate as authorized
    expect(client).toEqual({ handshake: true, received: GREETING });
    expect(await outcome).toEqual({
      accepted: true,
      authorized: true,
      peerCommonName: CLIENT_NAMES[1],
      peerSans: CLIENT_NAMES.map((n) => `DNS:${n}`).join(', '),
    });
  });

  test('refuses a client without a certificate', async () => {
    // GIVEN the server's next connection
    const outcome = server.nextOutcome();

    // WHEN a client connects without a certificate
    const client = await connectClient({ port: server.port, caFile: pki.caFile, expectedName: SERVER_NAME });

    // THEN the server fails the handshake for want of a certificate, and tells the client so (TLS 1.3 alert 116)
    expect(await outcome).toEqual({ accepted: false, code: 'ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE', authorizationError: null });
    expect(client).toMatchObject({ received: '', errorCode: 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED' });
  });

  test('refuses a client certificate with the same names from another CA', async () => {
    // GIVEN a leaf that is valid, but under a CA the mesh does not trust (of the same name)
    const foreign = new X509Certificate(pki.foreignClient.issued.certificate);
    expect(foreign.verify(new X509Certificate(pki.foreignCa.certificate).publicKey)).toBe(true);
    expect(foreign.subjectAltName).toBe(new X509Certificate(pki.client.issued.certificate).subjectAltName);
    const outcome = server.nextOutcome();

    // WHEN a client presents it (with its chain)
    const client = await connectClient({
      port: server.port,
      caFile: pki.caFile,
      expectedName: SERVER_NAME,
      chainFile: pki.foreignClient.chainFile,
      keyFile: pki.foreignClient.keyFile,
    });

    // THEN the server refuses it because the chain ends in a CA it does not trust, and the client
    // gets nothing
    expect(await outcome).toMatchObject({ accepted: false, authorizationError: 'SELF_SIGNED_CERT_IN_CHAIN' });
    expect(client.received).toBe('');
  });

  test('refuses an expired client certificate of the mesh CA', async () => {
    // GIVEN a mesh leaf whose signature is good but which expired a day ago
    const expired = new X509Certificate(pki.expiredClient.issued.certificate);
    expect(expired.verify(new X509Certificate(pki.ca.certificate).publicKey)).toBe(true);
    expect(new Date(expired.validTo).getTime()).toBeLessThan(Date.now());
    const outcome = server.nextOutcome();

    // WHEN a client presents it
    const client = await connectClient({
      port: server.port,
      caFile: pki.caFile,
      expectedName: SERVER_NAME,
      chainFile: pki.expiredClient.chainFile,
      keyFile: pki.expiredClient.keyFile,
    });

    // THEN the server refuses it as expired, and the client gets nothing
    expect(await outcome).toMatchObject({ accepted: false, authorizationError: 'CERT_HAS_EXPIRED' });
    expect(client.received).toBe('');
  });
});

describe('a mesh proxy checking the server it calls', () => {
  let wrongName: MtlsServer;
  let foreign: MtlsServer;

  beforeAll(async () => {
    wrongName = await MtlsServer.start({ caFile: pki.caFile, chainFile: pki.wrongNameServer.chainFile, keyFile: pki.wrongNameServer.keyFile });
    started.push({ stop: () => wrongName.close() });
    foreign = await MtlsServer.start({ caFile: pki.caFile, chainFile: pki.foreignClient.chainFile, keyFile: pki.foreignClient.keyFile });
    started.push({ stop: () => foreign.close() });
  });

  const asMeshClient = (port: number, expectedName: string) =>
    connectClient({ port, caFile: pki.caFile, expectedName, chainFile: pki.client.chainFile, keyFile: pki.client.keyFile });

  test('refuses a mesh server whose leaf does not name the service it expects', async () => {
    // GIVEN a server with a valid mesh leaf for payments.shop.local
    // WHEN a proxy connects to it expecting orders.shop.local
    const client = await asMeshClient(wrongName.port, SERVER_NAME);

    // THEN the client refuses the server's identity
    expect(client.errorCode).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    expect(client.errorMessage).toContain(`Host: ${SERVER_NAME}. is not in the cert's altnames: DNS:payments.shop.local, DNS:v1.payments.shop.local`);
    expect(client.received).toBe('');
    // AND the same server is accepted under the name it does have: only the name was wrong
    expect(await asMeshClient(wrongName.port, 'v1.payments.shop.local')).toEqual({ handshake: true, received: GREETING });
  });

  test('refuses a server certificate from another CA', async () => {
    // GIVEN a server with a leaf of the foreign CA for inventory.shop.local
    // WHEN a proxy connects expecting that name
    const client = await asMeshClient(foreign.port, CLIENT_NAMES[0]);

    // THEN the client does not trust the chain
    expect(client).toMatchObject({ handshake: false, received: '', errorCode: 'SELF_SIGNED_CERT_IN_CHAIN' });
  });
});

describe('openssl as the peer', () => {
  let opensslServer: OpensslServer;

  beforeAll(async () => {
    opensslServer = await OpensslServer.start({ caFile: pki.caFile, certFile: pki.server.chainFile, keyFile: pki.server.keyFile });
    started.push(opensslServer);
  });

  const toOpenssl = (client?: { chainFile: string; keyFile: string }) =>
    connectClient({
      port: opensslServer.port,
      caFile: pki.caFile,
      expectedName: SERVER_NAMES[1],
      send: 'mesh\n',
      ...(client ? { chainFile: client.chainFile, keyFile: client.keyFile } : {}),
    });

  test('openssl s_server -Verify 1 -verify_return_error accepts a mesh proxy', async () => {
    // GIVEN openssl s_server with the server leaf, requiring a client certificate from the mesh CA
    // WHEN a proxy with its mesh leaf connects and sends a line
    const client = await toOpenssl(pki.client);

    // THEN the handshake completes both ways and the server answers (-rev reverses the line)
    expect(client).toEqual({ handshake: true, received: 'hsem\n' });
  });

  test.each([
    ['no certificate', undefined, 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED'],
    ['a certificate from another CA', 'foreignClient', 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA'],
    ['an expired certificate', 'expiredClient', 'ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED'],
  ] as const)('openssl s_server refuses a client with %s, with the matching TLS alert', async (_name, leaf, alert) => {
    // GIVEN the openssl server
    // WHEN a client connects with that certificate
    const client = await toOpenssl(leaf ? pki[leaf] : undefined);

    // THEN openssl ends the handshake with an alert that says why, and answers nothing
    expect(client).toMatchObject({ received: '', errorCode: alert });
  });

  test('openssl s_client with a mesh leaf is accepted by the node:tls server, and verifies its name', async () => {
    // GIVEN the node:tls server's next connection
    const outcome = server.nextOutcome();

    // WHEN openssl s_client connects with the client leaf, verifying the server's chain and name
    const result = await runOpensslClient(
      [
        '-connect', `127.0.0.1:${server.port}`, '-servername', SERVER_NAME, '-verify_hostname', SERVER_NAME,
        '-verify_return_error', '-CAfile', pki.caFile, '-cert', pki.client.chainFile, '-key', pki.client.keyFile, '-ign_eof',
      ],
      '',
    );

    // THEN openssl verified the server and got its answer; the server authorized the client
    expect(result.stdout).toContain('Verify return code: 0 (ok)');
    expect(result.stdout).toContain(GREETING.trim());
    expect(result.stderr).toMatch(/depth=0 CN = v1\.orders\.shop\.local.*\nverify return:1\n/);
    expect(result.stderr).not.toContain('verify error');
    // (openssl exits 1 all the same: node:tls closes without a close_notify, which it reports as an unexpected EOF)
    expect(await outcome).toMatchObject({ accepted: true, authorized: true, peerCommonName: CLIENT_NAMES[1] });
  });

  test('openssl s_client refuses the node:tls server under a name its leaf does not have', async () => {
    // GIVEN the node:tls server, whose leaf names orders.shop.local
    // WHEN openssl s_client expects payments.shop.local
    const result = await runOpensslClient(
      [
        '-connect', `127.0.0.1:${server.port}`, '-servername', 'payments.shop.local', '-verify_hostname', 'payments.shop.local',
        '-verify_return_error', '-CAfile', pki.caFile, '-cert', pki.client.chainFile, '-key', pki.client.keyFile, '-ign_eof',
      ],
      '',
    );

    // THEN it fails the verification for the hostname, and gets no answer
    expect(result.code).not.toBe(0);
    expect(`${result.stdout}${result.stderr}`).toContain('Verify return code: 62 (hostname mismatch)');
    expect(result.stdout).not.toContain(GREETING.trim());
  });
});
