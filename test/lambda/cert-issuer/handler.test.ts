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

beforeEach(() => {
  sm.reset();
  logLines = [];
  keysSeen = [];
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
}
interface LeafSecret extends CaSecret {
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

/** A CA, as stored in the CA secret at `versionId`. */
async function storedCa(versionId: string): Promise<IssuedCa> {
  const ca = await issueCa({ commonName: 'shop mesh CA' });
  keysSeen.push(ca.privateKey);
  sm.on(GetSecretValueCommand, { SecretId: CA_SECRET_ARN, VersionId: versionId }).resolves({
    ARN: CA_SECRET_ARN,
    VersionId: versionId,
    SecretString: JSON.stringify({ certificate: ca.certificate, privateKey: ca.privateKey }),
  });
  return ca;
}

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
    // AND it holds exactly a self-signed CA certificate and its PKCS#8 key
    expect(Object.keys(value).sort()).toEqual(['certificate', 'privateKey']);
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

    // THEN a second version holds another certificate with another key; the resource is the same
    const first = written<CaSecret>(0).value;
    const second = written<CaSecret>(1).value;
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
});

describe('Custom::MeshCertificate', () => {
  test('Create reads the CA at CaVersionId and writes a leaf it signed, for exactly the DNS names', async () => {
    // GIVEN the CA stored at ca-version-1, and Secrets Manager that accepts the leaf
    const ca = await storedCa('ca-version-1');
    acceptPuts('leaf-');
    const event = createEvent({ resourceType: 'Custom::MeshCertificate', properties: leafProperties() });

    // WHEN the leaf is created
    const response = await handler(event);

    // THEN the CA was read at that version, and one leaf version written with the request's token
    expect(sm).toHaveReceivedCommandWith(GetSecretValueCommand, { SecretId: CA_SECRET_ARN, VersionId: 'ca-version-1' });
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

  test('Update after a CA rotation reads the CA at the new CaVersionId and signs with the new CA', async () => {
    // GIVEN two CA versions, and a leaf created under the first
    const oldCa = await storedCa('ca-version-1');
    const newCa = await storedCa('ca-version-2');
    acceptPuts('leaf-');
    const created = await handler(createEvent({ resourceType: 'Custom::MeshCertificate', properties: leafProperties() }));

    // WHEN the leaf is updated with the CA's new version (as CloudFormation does after the CA's update)
    const updated = await handler(
      updateEvent({
        resourceType: 'Custom::MeshCertificate',
        properties: leafProperties({ CaVersionId: 'ca-version-2' }),
        oldProperties: leafProperties(),
        physicalResourceId: created.PhysicalResourceId,
      }),
    );

    // THEN the CA was read at the new version, and the new leaf is the new CA's, not the old one's
    expect(sm.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input.VersionId)).toEqual(['ca-version-1', 'ca-version-2']);
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
    ['an empty CaVersionId', 'Custom::MeshCertificate', leafProperties({ CaVersionId: '' }), /property CaVersionId must not be empty/],
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
    // GIVEN a CA version that does not exist
    const missing = sdkError('ResourceNotFoundException', "Secrets Manager can't find the specified secret value for VersionId: ca-version-9");
    sm.on(GetSecretValueCommand).rejects(missing);
    acceptPuts();

    // WHEN a leaf is created from it
    const error = await handler(createEvent({ resourceType: 'Custom::MeshCertificate', properties: leafProperties({ CaVersionId: 'ca-version-9' }) })).catch((e: unknown) => e);

    // THEN that error fails the request, and nothing is written
    expect(error).toBe(missing);
    expect(sm).toHaveReceivedCommandTimes(PutSecretValueCommand, 0);
  });

  test('a CA secret that is not the CA fails the leaf, without quoting the secret', async () => {
    // GIVEN a CA secret version that holds something else
    const secretish = 'hunter2-is-not-a-certificate';
    sm.on(GetSecretValueCommand).resolves({ SecretString: `{"password": "${secretish}"` });
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
