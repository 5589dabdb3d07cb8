/**
 * The issuer's handler (lambda/cert-issuer/index.ts) as the Provider framework calls it, with
 * Secrets Manager mocked by aws-sdk-client-mock: what it writes, what it answers, what it logs.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { format } from 'node:util';
import { GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { clientRequestToken, handler, type IssuerResponse } from '../../../lambda/cert-issuer/index';
import { issueCa, type IssuedCa } from '../../../lambda/cert-issuer/issue';
import {
  CA_SECRET_ARN,
  caProperties,
  createEvent,
  deleteEvent,
  LEAF_SECRET_ARN,
  leafProperties,
  updateEvent,
  type Properties,
} from './helpers/events';

const sm = mockClient(SecretsManagerClient);

/** Every line the handler logged in the current test. */
let logLines: string[];
/** Every private key any code under test produced in the current test. */
let keysSeen: string[];
/** The CA secret of the current test: version id → SecretString, and the AWSCURRENT version. */
let caSecret: { versions: Map<string, string>; current?: string };

beforeEach(() => {
  sm.reset();
  logLines = [];
  keysSeen = [];
  caSecret = { versions: new Map() };
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    jest.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      logLines.push(format(...args));
    });
  }
});

afterEach(() => {
  // No log line of any test holds key material: no PEM key, nor the body of any key written.
  for (const line of logLines) {
    expect(line).not.toContain('PRIVATE KEY');
    for (const key of keysSeen) expect(line).not.toContain(pemBody(key).slice(0, 40));
  }
  jest.restoreAllMocks();
});

/** The base64 between a PEM's armour lines. */
const pemBody = (pem: string): string => pem.split('\n').filter((l) => l && !l.startsWith('-----')).join('');

interface CaSecret {
  certificate: string;
  privateKey: string;
  generation: string;
}
interface LeafSecret {
  certificate: string;
  privateKey: string;
  certificateChain: string;
  ca: string;
}

/** The SecretStrings written with PutSecretValue, parsed, and their keys remembered. */
function written<T>(index = 0): { input: { SecretId?: string; ClientRequestToken?: string }; value: T } {
  const call = sm.commandCalls(PutSecretValueCommand)[index];
  expect(call).toBeDefined();
  const { SecretString, ...input } = call.args[0].input;
  const value = JSON.parse(SecretString ?? 'null') as T & { privateKey: string };
  keysSeen.push(value.privateKey);
  return { input, value };
}

/** Answers PutSecretValue with version ids v1, v2, ... (as ClientRequestToken is, in reality, the VersionId). */
function acceptPuts(prefix = 'v'): void {
  let n = 0;
  sm.on(PutSecretValueCommand).callsFake((input: { SecretId: string }) => ({ ARN: input.SecretId, Name: 'secret', VersionId: `${prefix}${++n}` }));
}

/**
 * Writes `value` into the CA secret as version `versionId` and makes it AWSCURRENT, as
 * PutSecretValue does. GetSecretValue on the CA secret answers the version asked for, or without
 * VersionId the AWSCURRENT one, or fails as Secrets Manager does when there is none.
 */
function putCaVersion(versionId: string, value: Record<string, unknown>): void {
  if (caSecret.versions.size === 0) {
    sm.on(GetSecretValueCommand, { SecretId: CA_SECRET_ARN }).callsFake((input: { VersionId?: string }) => {
      const version = input.VersionId ?? caSecret.current;
      const secretString = version === undefined ? undefined : caSecret.versions.get(version);
      if (version === undefined || secretString === undefined) {
        const asked = input.VersionId === undefined ? 'staging label: AWSCURRENT' : `VersionId: ${input.VersionId}`;
        throw Object.assign(new Error(`Secrets Manager can't find the specified secret value for ${asked}`), { name: 'ResourceNotFoundException' });
      }
      return { ARN: CA_SECRET_ARN, VersionId: version, SecretString: secretString, VersionStages: version === caSecret.current ? ['AWSCURRENT'] : [] };
    });
  }
  caSecret.versions.set(versionId, JSON.stringify(value));
  caSecret.current = versionId;
}

/**
 * A CA, stored in the CA secret as version `versionId` (made AWSCURRENT) as the CA resource of
 * `generation` writes it; `generation: null` stores it as an older issuer did, without one.
 */
async function storedCa(versionId: string, generation: string | null = '1', options: { now?: Date; validityDays?: number } = {}): Promise<IssuedCa> {
  const ca = await issueCa({ commonName: 'shop mesh CA', ...options });
  keysSeen.push(ca.privateKey);
  putCaVersion(versionId, { certificate: ca.certificate, privateKey: ca.privateKey, ...(generation === null ? {} : { generation }) });
  return ca;
}

/** Every GetSecretValue input, in order. */
const getSecretValueInputs = () => sm.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input);

/** The one JSON log line of the invocation. */
function theLogLine(): Record<string, unknown> {
  expect(logLines).toHaveLength(1);
  return JSON.parse(logLines[0]) as Record<string, unknown>;
}

function expectNoKeyMaterial(response: IssuerResponse): void {
  const text = JSON.stringify(response);
  expect(text).not.toContain('PRIVATE KEY');
  expect(text).not.toContain('BEGIN');
  for (const key of keysSeen) expect(text).not.toContain(pemBody(key).slice(0, 40));
}

describe('Custom::MeshCa', () => {
  test('Create writes a new CA certificate and key into the secret and answers its version, serial and expiry', async () => {
    // GIVEN Secrets Manager that accepts the value
    acceptPuts('ca-');
    const event = createEvent({ resourceType: 'Custom::MeshCa', properties: caProperties() });

    // WHEN the CA is created
    const response = await handler(event);

    // THEN one version is written to the secret, with the request's token
    expect(sm).toHaveReceivedCommandTimes(PutSecretValueCommand, 1);
    expect(sm).toHaveReceivedCommandTimes(GetSecretValueCommand, 0);
    const { input, value } = written<CaSecret>();
    expect(input).toEqual({ SecretId: CA_SECRET_ARN, ClientRequestToken: clientRequestToken(event) });
    // AND it holds exactly a self-signed CA certificate, its PKCS#8 key, and the resource's generation as given
    expect(Object.keys(value).sort()).toEqual(['certificate', 'generation', 'privateKey']);
    expect(value.generation).toBe('1');
    const cert = new X509Certificate(value.certificate);
    expect(cert.ca).toBe(true);
    expect(cert.subject).toBe('CN=shop mesh CA\nO=platform mesh');
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(value.privateKey).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(cert.checkPrivateKey(createPrivateKey(value.privateKey))).toBe(true);
    // AND the answer names the secret, the version written, the serial and the expiry, and no key
    expect(response).toEqual({
      PhysicalResourceId: `mesh-ca:${CA_SECRET_ARN}`,
      Data: { VersionId: 'ca-1', SerialNumber: cert.serialNumber.toLowerCase(), NotAfter: new Date(cert.validTo).toISOString() },
    });
    expectNoKeyMaterial(response);
    // AND one log line says what was issued, without any key
    expect(theLogLine()).toEqual({
      level: 'INFO',
      logger: 'mesh-cert-issuer',
      msg: 'issued',
      requestType: 'Create',
      resourceType: 'Custom::MeshCa',
      logicalResourceId: 'MeshCertificatesCa',
      generation: '1',
      physicalResourceId: `mesh-ca:${CA_SECRET_ARN}`,
      serial: response.Data?.SerialNumber,
      notAfter: response.Data?.NotAfter,
      versionId: 'ca-1',
    });
  });

  test('Update (a new generation) rotates: a new key and certificate in a new version, the same physical id', async () => {
    // GIVEN a created CA
    acceptPuts('ca-');
    const created = await handler(createEvent({ resourceType: 'Custom::MeshCa', properties: caProperties() }));

    // WHEN its generation changes
    const updated = await handler(
      updateEvent({
        resourceType: 'Custom::MeshCa',
        properties: caProperties({ Generation: '2' }),
        oldProperties: caProperties(),
        physicalResourceId: created.PhysicalResourceId,
      }),
    );

    // THEN a second version holds another certificate with another key, of the new generation; the resource is the same
    const first = written<CaSecret>(0).value;
    const second = written<CaSecret>(1).value;
    expect(first.generation).toBe('1');
    expect(second.generation).toBe('2');
    expect(second.privateKey).not.toBe(first.privateKey);
    expect(second.certificate).not.toBe(first.certificate);
    expect(new X509Certificate(second.certificate).publicKey.equals(new X509Certificate(first.certificate).publicKey)).toBe(false);
    expect(updated.PhysicalResourceId).toBe(created.PhysicalResourceId);
    expect(updated.Data?.VersionId).toBe('ca-2');
    expect(updated.Data?.SerialNumber).not.toBe(created.Data?.SerialNumber);
  });

  test('the CA is valid for ten years', async () => {
    // GIVEN/WHEN a CA is created
    acceptPuts();
    const before = Date.now();
    const response = await handler(createEvent({ resourceType: 'Custom::MeshCa', properties: caProperties() }));
    written<CaSecret>();

    // THEN it expires ten years from now (to the second, as certificates keep time)
    const tenYears = new Date(before);
    tenYears.setUTCFullYear(tenYears.getUTCFullYear() + 10);
    expect(Math.abs(Date.parse(response.Data!.NotAfter) - tenYears.getTime())).toBeLessThan(5000);
  });

  test('the generation is written exactly as the Generation property gives it', async () => {
    // GIVEN a CA whose Generation is not a plain number
    acceptPuts();

    // WHEN it is created
    await handler(createEvent({ resourceType: 'Custom::MeshCa', properties: caProperties({ Generation: '007' }) }));

    // THEN the secret's generation is that string, unchanged (leaves compare it as a string)
    expect(written<CaSecret>().value.generation).toBe('007');
  });
});

describe('Custom::MeshCertificate', () => {
  test('Create reads the CA secret\'s current version and writes a leaf it signed, for exactly the DNS names', async () => {
    // GIVEN the CA of generation 1 stored as ca-version-1 (AWSCURRENT), and Secrets Manager that accepts the leaf
    const ca = await storedCa('ca-version-1');
    acceptPuts('leaf-');
    const event = createEvent({ resourceType: 'Custom::MeshCertificate', properties: leafProperties() });

    // WHEN the leaf of generation 1 is created
    const response = await handler(event);

    // THEN the CA was read once, at AWSCURRENT (no VersionId), and one leaf version written with the request's token
    expect(getSecretValueInputs()).toEqual([{ SecretId: CA_SECRET_ARN }]);
    expect(sm).toHaveReceivedCommandTimes(PutSecretValueCommand, 1);
    const { input, value } = written<LeafSecret>();
    expect(input).toEqual({ SecretId: LEAF_SECRET_ARN, ClientRequestToken: clientRequestToken(event) });
    expect(Object.keys(value).sort()).toEqual(['ca', 'certificate', 'certificateChain', 'privateKey']);
    // AND the leaf chains to the CA, names exactly the DNS names, and its key is in the secret
    const leaf = new X509Certificate(value.certificate);
    const caCert = new X509Certificate(ca.certificate);
    expect(leaf.verify(caCert.publicKey)).toBe(true);
    expect(leaf.checkIssued(caCert)).toBe(true);
    expect(leaf.ca).toBe(false);
    expect(leaf.subject).toBe('CN=v1.orders.shop.local\nO=platform mesh');
    expect(leaf.subjectAltName).toBe('DNS:orders.shop.local, DNS:v1.orders.shop.local');
    expect(leaf.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
    expect(leaf.checkPrivateKey(createPrivateKey(value.privateKey))).toBe(true);
    expect(value.certificateChain).toBe(value.certificate + ca.certificate);
    expect(value.ca).toBe(ca.certificate);
    // AND it is valid for ValidityDays
    expect(Math.abs(Date.parse(leaf.validTo) - (Date.now() + 365 * 86_400_000))).toBeLessThan(5000);
    // AND the answer has the version, serial and expiry, and no key
    expect(response).toEqual({
      PhysicalResourceId: `mesh-cert:${LEAF_SECRET_ARN}`,
      Data: { VersionId: 'leaf-1', SerialNumber: leaf.serialNumber.toLowerCase(), NotAfter: new Date(leaf.validTo).toISOString() },
    });
    expectNoKeyMaterial(response);
    expect(theLogLine()).toMatchObject({
      level: 'INFO',
      requestType: 'Create',
      resourceType: 'Custom::MeshCertificate',
      logicalResourceId: 'MeshCertificatesordersv1Certificate',
      serial: response.Data?.SerialNumber,
      notAfter: response.Data?.NotAfter,
      versionId: 'leaf-1',
    });
  });

  test('a leaf is signed by the CA\'s current version, never an older one', async () => {
    // GIVEN a CA secret with two versions of generation 1 (as after a retried CA rotation), the second AWSCURRENT
    const olderCa = await storedCa('ca-version-1');
    const currentCa = await storedCa('ca-version-2');
    acceptPuts();

    // WHEN a leaf is created
    await handler(createEvent({ resourceType: 'Custom::MeshCertificate', properties: leafProperties() }));

    // THEN the CA was read without a VersionId, and the leaf is the current CA's
    expect(sm).toHaveReceivedCommandTimes(GetSecretValueCommand, 1);
    expect(getSecretValueInputs()[0]).not.toHaveProperty('VersionId');
    const leaf = new X509Certificate(written<LeafSecret>().value.certificate);
    expect(leaf.verify(new X509Certificate(currentCa.certificate).publicKey)).toBe(true);
    expect(leaf.verify(new X509Certificate(olderCa.certificate).publicKey)).toBe(false);
  });

  test('Update after a CA rotation (a new generation) reads the CA\'s new current version and signs with the new CA', async () => {
    // GIVEN the CA of generation 1, and a leaf created under it
    const oldCa = await storedCa('ca-version-1', '1');
    acceptPuts('leaf-');
    const created = await handler(createEvent({ resourceType: 'Custom::MeshCertificate', properties: leafProperties() }));

    // WHEN the CA's stack re-issues it at generation 2, then the leaf's stack updates it to generation 2
    const newCa = await storedCa('ca-version-2', '2');
    const updated = await handler(
      updateEvent({
        resourceType: 'Custom::MeshCertificate',
        properties: leafProperties({ Generation: '2' }),
        oldProperties: leafProperties(),
        physicalResourceId: created.PhysicalResourceId,
      }),
    );

    // THEN the CA was read at AWSCURRENT both times, and the new leaf is the new CA's, not the old one's
    expect(getSecretValueInputs()).toEqual([{ SecretId: CA_SECRET_ARN }, { SecretId: CA_SECRET_ARN }]);
    const leaf = new X509Certificate(written<LeafSecret>(1).value.certificate);
    expect(leaf.verify(new X509Certificate(newCa.certificate).publicKey)).toBe(true);
    expect(leaf.verify(new X509Certificate(oldCa.certificate).publicKey)).toBe(false);
    expect(written<LeafSecret>(1).value.ca).toBe(newCa.certificate);
    // AND it is another leaf with another key, in a new version of the same resource
    expect(written<LeafSecret>(1).value.privateKey).not.toBe(written<LeafSecret>(0).value.privateKey);
    expect(updated).toMatchObject({ PhysicalResourceId: created.PhysicalResourceId, Data: { VersionId: 'leaf-2' } });
    expect(updated.Data?.SerialNumber).not.toBe(created.Data?.SerialNumber);
  });

  test('Update with new names issues a leaf for the new names', async () => {
    // GIVEN the CA
    await storedCa('ca-version-1');
    acceptPuts();

    // WHEN the DNS names change
    const names = ['orders.shop.local', 'v1.orders.shop.local', 'orders-v1.internal'];
    await handler(
      updateEvent({
        resourceType: 'Custom::MeshCertificate',
        properties: leafProperties({ DnsNames: names }),
        oldProperties: leafProperties(),
        physicalResourceId: `mesh-cert:${LEAF_SECRET_ARN}`,
      }),
    );

    // THEN the leaf names exactly the new names, in order
    expect(new X509Certificate(written<LeafSecret>().value.certificate).subjectAltName).toBe(names.map((n) => `DNS:${n}`).join(', '));
  });
});

describe('a leaf is not issued by a CA behind it, or of a generation it cannot order', () => {
  /** Handles a leaf Create of `generation` and returns its error. */
  async function leafError(generation: string): Promise<Error> {
    const error = await handler(createEvent({ resourceType: 'Custom::MeshCertificate', properties: leafProperties({ Generation: generation }) })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    return error as Error;
  }

  /** Nothing was written, and the one log line is the failure with the error's message. */
  function expectFailedWithoutWriting(error: Error): void {
    expect(sm).toHaveReceivedCommandTimes(PutSecretValueCommand, 0);
    expect(theLogLine()).toMatchObject({ level: 'ERROR', msg: 'failed', resourceType: 'Custom::MeshCertificate', generation: expect.any(String), detail: error.message });
  }

  test('a leaf of a newer generation than the CA (the CA stack not deployed yet) fails, naming both generations and the secret', async () => {
    // GIVEN the CA still at generation 1
    await storedCa('ca-version-1', '1');
    acceptPuts();

    // WHEN a leaf of generation 2 is created (its stack deployed before the CA's)
    const error = await leafError('2');

    // THEN it fails, saying the CA must be re-issued first, and writes nothing
    expect(error.message).toBe(
      `the mesh CA in ${CA_SECRET_ARN} (version ca-version-1) is at generation 1, this certificate asks for generation 2: ` +
        'the CA must be re-issued first (deploy the stack that holds the CA before the stacks of the services)',
    );
    expectFailedWithoutWriting(error);
  });

  test('a leaf of a whole-number generation after the CA (the CA stack not deployed yet) fails, comparing as numbers', async () => {
    // GIVEN the CA at generation 9
    await storedCa('ca-version-9', '9');
    acceptPuts();

    // WHEN a leaf of generation 10 is created (after "9" as a number, not as a string)
    const error = await leafError('10');

    // THEN it fails: the CA is behind the leaf
    expect(error.message).toBe(
      `the mesh CA in ${CA_SECRET_ARN} (version ca-version-9) is at generation 9, this certificate asks for generation 10: ` +
        'the CA must be re-issued first (deploy the stack that holds the CA before the stacks of the services)',
    );
    expectFailedWithoutWriting(error);
  });

  test.each([
    ['the CA\'s is not a whole number', 'v3', '2'],
    ['the leaf\'s is not a whole number', '3', 'v2'],
    ['neither is a whole number', 'b', 'a'],
    ['the leaf\'s is negative', '3', '-2'],
  ])('generations that differ and are not both whole numbers fail (%s)', async (_name, caGeneration, leafGeneration) => {
    // GIVEN the CA at a generation that cannot be ordered against the leaf's
    await storedCa('ca-version-1', caGeneration);
    acceptPuts();

    // WHEN a leaf of the other generation is created
    const error = await leafError(leafGeneration);

    // THEN it fails on the generation, without a warning, and writes nothing
    expect(error.message).toBe(
      `the mesh CA in ${CA_SECRET_ARN} (version ca-version-1) is at generation ${caGeneration}, this certificate asks for generation ${leafGeneration}: ` +
        'the CA must be re-issued first (deploy the stack that holds the CA before the stacks of the services)',
    );
    expect(console.warn).not.toHaveBeenCalled();
    expectFailedWithoutWriting(error);
  });

  test('generations are compared as the strings written: "01" is not "1"', async () => {
    // GIVEN the CA at generation "01"
    await storedCa('ca-version-1', '01');
    acceptPuts();

    // WHEN a leaf of generation "1" is created
    const error = await leafError('1');

    // THEN it fails on the generation
    expect(error.message).toMatch(/ is at generation 01, this certificate asks for generation 1: /);
    expectFailedWithoutWriting(error);
  });

  test('a CA secret without a generation (written by an older issuer) fails the leaf, saying the CA must be re-issued', async () => {
    // GIVEN a CA secret as the issuer wrote it before generations: certificate and key only
    await storedCa('ca-version-1', null);
    expect(JSON.parse(caSecret.versions.get('ca-version-1')!)).not.toHaveProperty('generation');
    acceptPuts();

    // WHEN a leaf of generation 1 is created
    const error = await leafError('1');

    // THEN it fails, naming the secret, the generation asked for and the remedy, and writes nothing
    expect(error.message).toBe(
      `the mesh CA in ${CA_SECRET_ARN} (version ca-version-1) has no generation (it was written by an older issuer), ` +
        'this certificate asks for generation 1: the CA must be re-issued first ' +
        '(raise mesh.certificates.generation, and deploy the stack that holds the CA before the stacks of the services)',
    );
    expectFailedWithoutWriting(error);
  });

  test.each([
    ['a number', 4.25],
    ['a long string', 'x'.repeat(65)],
    ['a string with spaces', 'MIGHAgEAMBMGByqGSM49 AgEGCCqGSM49AwEHBG0w'],
  ])('a CA secret whose generation is %s fails the leaf without quoting it', async (_name, generation) => {
    // GIVEN a CA secret whose generation is not one the CA resource writes
    const ca = await issueCa({ commonName: 'shop mesh CA' });
    keysSeen.push(ca.privateKey);
    putCaVersion('ca-version-1', { certificate: ca.certificate, privateKey: ca.privateKey, generation });
    acceptPuts();

    // WHEN a leaf is created
    const error = await leafError('1');

    // THEN it fails on the generation, which it does not quote (it was read from a secret)
    expect(error.message).toBe(
      `the mesh CA in ${CA_SECRET_ARN} (version ca-version-1) has an unreadable generation, this certificate asks for generation 1: ` +
        'the CA must be re-issued first (raise mesh.certificates.generation, and deploy the stack that holds the CA before the stacks of the services)',
    );
    expect(logLines.join('\n')).not.toContain(String(generation));
    expectFailedWithoutWriting(error);
  });

  test('an expired CA of the right generation fails the leaf, naming the version read', async () => {
    // GIVEN the CA of generation 1, expired yesterday
    await storedCa('ca-version-1', '1', { now: new Date(Date.now() - 31 * 86_400_000), validityDays: 30 });
    acceptPuts();

    // WHEN a leaf of generation 1 is created
    const error = await leafError('1');

    // THEN it fails, naming the CA secret and the version it read
    expect(error.message).toMatch(
      new RegExp(`^cannot issue from the mesh CA secret ${CA_SECRET_ARN} \\(version ca-version-1\\): the CA certificate \\(serial [0-9a-f]+\\) expired at `),
    );
    expectFailedWithoutWriting(error);
  });
});

describe('a leaf of an earlier generation than the CA (its stack rolled back after the CA was re-issued)', () => {
  /**
   * The CA re-issued at generation 3 (its secret's versions: generation 2, then 3, AWSCURRENT), and
   * the leaf's stack rolled back from generation 3 to 2: an Update whose properties ask for 2.
   */
  async function rollBackLeaf(): Promise<{ previousCa: IssuedCa; currentCa: IssuedCa; event: ReturnType<typeof updateEvent>; response: IssuerResponse }> {
    const previousCa = await storedCa('ca-version-2', '2');
    const currentCa = await storedCa('ca-version-3', '3');
    acceptPuts('leaf-');
    const event = updateEvent({
      resourceType: 'Custom::MeshCertificate',
      properties: leafProperties({ Generation: '2' }),
      oldProperties: leafProperties({ Generation: '3' }),
      physicalResourceId: `mesh-cert:${LEAF_SECRET_ARN}`,
    });
    const response = await handler(event);
    return { previousCa, currentCa, event, response };
  }

  test('the leaf is issued from the current CA and written, rather than failing the rollback', async () => {
    // GIVEN/WHEN a leaf of generation 2 is updated while the CA is at generation 3
    const { previousCa, currentCa, event, response } = await rollBackLeaf();

    // THEN the CA was read at AWSCURRENT, and one leaf version written with the request's token
    expect(getSecretValueInputs()).toEqual([{ SecretId: CA_SECRET_ARN }]);
    expect(sm).toHaveReceivedCommandTimes(PutSecretValueCommand, 1);
    const { input, value } = written<LeafSecret>();
    expect(input).toEqual({ SecretId: LEAF_SECRET_ARN, ClientRequestToken: clientRequestToken(event) });
    // AND the leaf is the current CA's (generation 3), not the previous one's, with that CA in its chain
    const leaf = new X509Certificate(value.certificate);
    const currentCaCert = new X509Certificate(currentCa.certificate);
    expect(leaf.verify(currentCaCert.publicKey)).toBe(true);
    expect(leaf.checkIssued(currentCaCert)).toBe(true);
    expect(leaf.verify(new X509Certificate(previousCa.certificate).publicKey)).toBe(false);
    expect(value.ca).toBe(currentCa.certificate);
    expect(value.certificateChain).toBe(value.certificate + currentCa.certificate);
    expect(leaf.subjectAltName).toBe('DNS:orders.shop.local, DNS:v1.orders.shop.local');
    expect(leaf.checkPrivateKey(createPrivateKey(value.privateKey))).toBe(true);
    // AND the answer is the usual one, the same physical id, and no key
    expect(response).toEqual({
      PhysicalResourceId: `mesh-cert:${LEAF_SECRET_ARN}`,
      Data: { VersionId: 'leaf-1', SerialNumber: leaf.serialNumber.toLowerCase(), NotAfter: new Date(leaf.validTo).toISOString() },
    });
    expectNoKeyMaterial(response);
    // AND after the warning, the usual INFO line says it was issued
    expect(logLines).toHaveLength(2);
    expect(JSON.parse(logLines[1])).toMatchObject({ level: 'INFO', msg: 'issued', requestType: 'Update', generation: '2', versionId: 'leaf-1' });
  });

  test('one WARN line says so, with both generations and the CA secret, and no key', async () => {
    // GIVEN/WHEN a leaf of generation 2 is updated while the CA is at generation 3
    const { currentCa } = await rollBackLeaf();
    const leafKey = written<LeafSecret>().value.privateKey;

    // THEN exactly one line is a warning, logged first (to stderr, as console.warn), and it is JSON
    expect(console.warn).toHaveBeenCalledTimes(1);
    const warnings = logLines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.level === 'WARN');
    expect(warnings).toHaveLength(1);
    expect(JSON.parse(logLines[0])).toEqual(warnings[0]);
    // AND it names both generations, the CA secret and the version read
    expect(warnings[0]).toEqual({
      level: 'WARN',
      logger: 'mesh-cert-issuer',
      msg: expect.stringMatching(/later generation .*issuing from the current CA/),
      requestType: 'Update',
      resourceType: 'Custom::MeshCertificate',
      logicalResourceId: 'MeshCertificatesordersv1Certificate',
      generation: '2',
      caGeneration: '3',
      requestedGeneration: '2',
      caSecretArn: CA_SECRET_ARN,
      caVersionId: 'ca-version-3',
    });
    // AND it holds no key: neither the CA's nor the leaf's, nor any certificate
    expect(logLines[0]).not.toContain('PRIVATE KEY');
    expect(logLines[0]).not.toContain('BEGIN');
    for (const key of [currentCa.privateKey, leafKey]) expect(logLines[0]).not.toContain(pemBody(key).slice(0, 40));
  });

  test('generations are compared as numbers: a CA at "10" issues a leaf of "9", warning', async () => {
    // GIVEN the CA at generation 10 (before "9" as a string, after it as a number)
    const ca = await storedCa('ca-version-10', '10');
    acceptPuts();

    // WHEN a leaf of generation 9 is created
    await handler(createEvent({ resourceType: 'Custom::MeshCertificate', properties: leafProperties({ Generation: '9' }) }));

    // THEN it is issued from that CA, with a warning
    expect(new X509Certificate(written<LeafSecret>().value.certificate).verify(new X509Certificate(ca.certificate).publicKey)).toBe(true);
    expect(JSON.parse(logLines[0])).toMatchObject({ level: 'WARN', caGeneration: '10', requestedGeneration: '9' });
  });

  test('a CA of the same generation issues without a warning', async () => {
    // GIVEN/WHEN the CA and the leaf at generation 3
    await storedCa('ca-version-3', '3');
    acceptPuts();
    await handler(createEvent({ resourceType: 'Custom::MeshCertificate', properties: leafProperties({ Generation: '3' }) }));

    // THEN it is issued, and only the INFO line is logged
    written<LeafSecret>();
    expect(console.warn).not.toHaveBeenCalled();
    expect(theLogLine()).toMatchObject({ level: 'INFO', msg: 'issued' });
  });

  test('if the current CA cannot issue, the warning is followed by the failure, and nothing is written', async () => {
    // GIVEN the CA at generation 3, expired
    await storedCa('ca-version-3', '3', { now: new Date(Date.now() - 31 * 86_400_000), validityDays: 30 });
    acceptPuts();

    // WHEN a leaf of generation 2 is created
    const error = (await handler(createEvent({ resourceType: 'Custom::MeshCertificate', properties: leafProperties({ Generation: '2' }) })).catch((e: unknown) => e)) as Error;

    // THEN it fails on the CA, not the generation
    expect(error.message).toMatch(new RegExp(`^cannot issue from the mesh CA secret ${CA_SECRET_ARN} \\(version ca-version-3\\): the CA certificate .* expired at `));
    expect(sm).toHaveReceivedCommandTimes(PutSecretValueCommand, 0);
    expect(logLines.map((line) => (JSON.parse(line) as { level: string }).level)).toEqual(['WARN', 'ERROR']);
  });
});

describe('Delete', () => {
  test.each([
    ['Custom::MeshCa', `mesh-ca:${CA_SECRET_ARN}`, caProperties()],
    ['Custom::MeshCertificate', `mesh-cert:${LEAF_SECRET_ARN}`, leafProperties()],
    // The rollback of a Create that failed on its properties
    ['Custom::MeshCertificate', 'a-request-id-the-framework-used', { ValidityDays: 'forever' }],
  ])('of %s (%s) touches nothing and answers the same physical id', async (resourceType, physicalResourceId, properties) => {
    // GIVEN a Delete
    const event = deleteEvent({ resourceType, properties, physicalResourceId });

    // WHEN it is handled
    const response = await handler(event);

    // THEN no secret is read or written; CloudFormation deletes the secrets itself
    expect(sm.calls()).toHaveLength(0);
    expect(response).toEqual({ PhysicalResourceId: physicalResourceId });
    expect(theLogLine()).toMatchObject({ level: 'INFO', requestType: 'Delete', resourceType, physicalResourceId });
  });
});

describe('bad properties fail the deployment, naming the property', () => {
  test.each<[string, 'Custom::MeshCa' | 'Custom::MeshCertificate', Properties, RegExp]>([
    ['no SecretArn', 'Custom::MeshCa', caProperties({ SecretArn: undefined }), /^Custom::MeshCa property SecretArn is required$/],
    ['an empty SecretArn', 'Custom::MeshCa', caProperties({ SecretArn: '' }), /property SecretArn must not be empty/],
    ['an empty CommonName', 'Custom::MeshCa', caProperties({ CommonName: ' ' }), /property CommonName must not be empty/],
    ['no CommonName', 'Custom::MeshCertificate', leafProperties({ CommonName: undefined }), /^Custom::MeshCertificate property CommonName is required$/],
    ['no SecretArn', 'Custom::MeshCertificate', leafProperties({ SecretArn: undefined }), /property SecretArn is required/],
    ['no CaSecretArn', 'Custom::MeshCertificate', leafProperties({ CaSecretArn: undefined }), /property CaSecretArn is required/],
    ['no Generation', 'Custom::MeshCa', caProperties({ Generation: undefined }), /^Custom::MeshCa property Generation is required$/],
    ['a numeric Generation', 'Custom::MeshCa', caProperties({ Generation: 2 }), /^Custom::MeshCa property Generation must be a string, got 2$/],
    ['no Generation', 'Custom::MeshCertificate', leafProperties({ Generation: undefined }), /^Custom::MeshCertificate property Generation is required$/],
    ['an empty Generation', 'Custom::MeshCertificate', leafProperties({ Generation: '' }), /property Generation must not be empty/],
    ['no DnsNames', 'Custom::MeshCertificate', leafProperties({ DnsNames: undefined }), /property DnsNames is required/],
    ['empty DnsNames', 'Custom::MeshCertificate', leafProperties({ DnsNames: [] }), /property DnsNames must name at least one DNS name/],
    ['DnsNames as a string', 'Custom::MeshCertificate', leafProperties({ DnsNames: 'orders.shop.local' }), /property DnsNames must be a list/],
    ['an empty DNS name', 'Custom::MeshCertificate', leafProperties({ DnsNames: ['orders.shop.local', ''] }), /property DnsNames\[1\] is not a DNS name: ""/],
    ['a DNS name with a space', 'Custom::MeshCertificate', leafProperties({ DnsNames: ['orders .shop.local'] }), /property DnsNames\[0\] is not a DNS name/],
    ['a duplicate DNS name', 'Custom::MeshCertificate', leafProperties({ DnsNames: ['a.shop.local', 'A.shop.local'] }), /property DnsNames names "A.shop.local" twice/],
    ['no ValidityDays', 'Custom::MeshCertificate', leafProperties({ ValidityDays: undefined }), /property ValidityDays is required/],
    ['ValidityDays 0', 'Custom::MeshCertificate', leafProperties({ ValidityDays: '0' }), /property ValidityDays must be a whole number of days from 1 to 825, got "0"/],
    ['ValidityDays 826', 'Custom::MeshCertificate', leafProperties({ ValidityDays: '826' }), /property ValidityDays .* got "826"/],
    ['ValidityDays 1.5', 'Custom::MeshCertificate', leafProperties({ ValidityDays: '1.5' }), /property ValidityDays/],
    ['ValidityDays -3', 'Custom::MeshCertificate', leafProperties({ ValidityDays: '-3' }), /property ValidityDays/],
    ['ValidityDays "a year"', 'Custom::MeshCertificate', leafProperties({ ValidityDays: 'a year' }), /property ValidityDays/],
  ])('%s (%s)', async (_name, resourceType, properties, message) => {
    // GIVEN a Create with that property
    // WHEN it is handled
    const error = await handler(createEvent({ resourceType, properties })).catch((e: unknown) => e);

    // THEN it fails with the property's name, before touching any secret, and logs the failure
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(message);
    expect(sm.calls()).toHaveLength(0);
    expect(theLogLine()).toMatchObject({ level: 'ERROR', msg: 'failed', requestType: 'Create', resourceType, detail: (error as Error).message });
  });

  test('ValidityDays at the bounds (1 and 825) is accepted', async () => {
    // GIVEN the CA
    await storedCa('ca-version-1');
    acceptPuts();
    // WHEN leaves are made for 1 and 825 days  THEN both are issued
    for (const days of ['1', '825']) {
      await expect(handler(createEvent({ resourceType: 'Custom::MeshCertificate', properties: leafProperties({ ValidityDays: days }) }))).resolves.toBeDefined();
    }
    written(0);
    written(1);
  });

  test('an unknown resource type fails, naming it', async () => {
    // GIVEN/WHEN a Create of another type  THEN it fails
    await expect(handler(createEvent({ resourceType: 'Custom::Other', properties: caProperties() }))).rejects.toThrow(
      'unknown ResourceType "Custom::Other": expected Custom::MeshCa or Custom::MeshCertificate',
    );
    expect(sm.calls()).toHaveLength(0);
  });
});

describe('Secrets Manager errors', () => {
  const sdkError = (name: string, message: string) => Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode: 400 } });

  test('AccessDenied on PutSecretValue is thrown as is, after one ERROR log line', async () => {
    // GIVEN Secrets Manager that denies the write
    const denied = sdkError('AccessDeniedException', `User: arn:aws:sts::123456789012:assumed-role/issuer is not authorized to perform: secretsmanager:PutSecretValue on resource: ${CA_SECRET_ARN}`);
    sm.on(PutSecretValueCommand).rejects(denied);

    // WHEN a CA is created
    const error = await handler(createEvent({ resourceType: 'Custom::MeshCa', properties: caProperties() })).catch((e: unknown) => e);

    // THEN that error fails the request (the Provider reports it to CloudFormation)
    expect(error).toBe(denied);
    expect(theLogLine()).toMatchObject({ level: 'ERROR', msg: 'failed', error: 'AccessDeniedException', detail: denied.message });
    written<CaSecret>(); // (the value it tried to write, for the no-key-in-logs check)
  });

  test('a CA secret that cannot be read fails the leaf without writing it', async () => {
    // GIVEN a CA secret with no current version yet (the CA was never issued)
    const missing = sdkError('ResourceNotFoundException', "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT");
    sm.on(GetSecretValueCommand).rejects(missing);
    acceptPuts();

    // WHEN a leaf is created from it
    const error = await handler(createEvent({ resourceType: 'Custom::MeshCertificate', properties: leafProperties() })).catch((e: unknown) => e);

    // THEN that error fails the request, and nothing is written
    expect(error).toBe(missing);
    expect(sm).toHaveReceivedCommandTimes(PutSecretValueCommand, 0);
  });

  test('a CA secret that is not the CA fails the leaf, without quoting the secret', async () => {
    // GIVEN a CA secret version that holds something else
    const secretish = 'hunter2-is-not-a-certificate';
    sm.on(GetSecretValueCommand).resolves({ VersionId: 'ca-version-1', SecretString: `{"password": "${secretish}"` });
    acceptPuts();

    // WHEN a leaf is created from it
    const error = (await handler(createEvent({ resourceType: 'Custom::MeshCertificate', properties: leafProperties() })).catch((e: unknown) => e)) as Error;

    // THEN it fails, naming the secret and version but not its contents
    expect(error.message).toBe(`the mesh CA secret ${CA_SECRET_ARN} (version ca-version-1) is not JSON`);
    expect(logLines.join('\n')).not.toContain(secretish);
    expect(sm).toHaveReceivedCommandTimes(PutSecretValueCommand, 0);
  });
});

describe('idempotency', () => {
  test('the ClientRequestToken is the same for the same request, different for any other, and 32 to 64 characters', () => {
    // GIVEN a request
    const event = createEvent({ resourceType: 'Custom::MeshCa', properties: caProperties(), requestId: '5b3a0d4e-1111-4c1e-9f00-123456789abc' });

    // WHEN its token is derived, again, and for other requests or resources
    const token = clientRequestToken(event);

    // THEN it is stable, UUID-shaped, and changes with the request id or the resource
    expect(clientRequestToken({ ...event })).toBe(token);
    expect(token).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(token.length).toBeGreaterThanOrEqual(32);
    expect(token.length).toBeLessThanOrEqual(64);
    expect(clientRequestToken({ ...event, RequestId: '5b3a0d4e-1111-4c1e-9f00-123456789abd' })).not.toBe(token);
    expect(clientRequestToken({ ...event, LogicalResourceId: 'OtherCertificate' })).not.toBe(token);
  });

  test('a retried request whose first attempt wrote its version answers with that version, and writes no other', async () => {
    // GIVEN Secrets Manager that stores the first write under its token and, as it does, refuses
    // other contents under the same token
    const versions = new Map<string, string>();
    sm.on(PutSecretValueCommand).callsFake((input: { SecretString: string; ClientRequestToken: string }) => {
      const existing = versions.get(input.ClientRequestToken);
      if (existing !== undefined && existing !== input.SecretString) {
        throw Object.assign(new Error('A resource with the ID you requested already exists.'), { name: 'ResourceExistsException' });
      }
      versions.set(input.ClientRequestToken, input.SecretString);
      return { VersionId: input.ClientRequestToken };
    });
    sm.on(GetSecretValueCommand).callsFake((input: { VersionId: string }) => ({ VersionId: input.VersionId, SecretString: versions.get(input.VersionId) }));
    const event = createEvent({ resourceType: 'Custom::MeshCa', properties: caProperties() });

    // WHEN the same request is handled twice
    const first = await handler(event);
    const second = await handler(event);

    // THEN there is one version, and both answers describe it
    expect(versions.size).toBe(1);
    expect(second).toEqual(first);
    expect(first.Data?.VersionId).toBe(clientRequestToken(event));
    expect(sm).toHaveReceivedCommandWith(GetSecretValueCommand, { SecretId: CA_SECRET_ARN, VersionId: clientRequestToken(event) });
    expect(JSON.parse(logLines[1])).toMatchObject({ level: 'INFO', msg: 'already issued by an earlier attempt of this request', serial: first.Data?.SerialNumber });
    written<CaSecret>(0);
    written<CaSecret>(1);
    expectNoKeyMaterial(second);
  });

  test('a retried leaf request that may not read its own secret back fails rather than answer a certificate it did not store', async () => {
    // GIVEN a CA, and a leaf secret that already holds this request's version, which the issuer may not read
    await storedCa('ca-version-1');
    sm.on(PutSecretValueCommand).rejects(Object.assign(new Error('A resource with the ID you requested already exists.'), { name: 'ResourceExistsException' }));
    const denied = Object.assign(new Error(`not authorized to perform: secretsmanager:GetSecretValue on resource: ${LEAF_SECRET_ARN}`), { name: 'AccessDeniedException' });
    sm.on(GetSecretValueCommand, { SecretId: LEAF_SECRET_ARN }).rejects(denied);
    const event = createEvent({ resourceType: 'Custom::MeshCertificate', properties: leafProperties() });

    // WHEN the request is handled
    const error = await handler(event).catch((e: unknown) => e);

    // THEN it fails with the read's error, after asking for exactly its own version
    expect(error).toBe(denied);
    expect(sm).toHaveReceivedCommandWith(GetSecretValueCommand, { SecretId: LEAF_SECRET_ARN, VersionId: clientRequestToken(event) });
    written<LeafSecret>();
  });
});
