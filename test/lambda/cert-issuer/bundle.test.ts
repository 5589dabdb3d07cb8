/**
 * The issuer as shipped: lambda/cert-issuer/index.ts bundled by esbuild, loaded in a fresh `node`
 * with the real AWS SDK v3 (left external, as the Lambda runtime provides it) talking to a local
 * Secrets Manager endpoint.
 */
import { X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import { isBuiltin } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { bundleIssuer, runBundle, type IssuerBundle } from './helpers/bundle';
import { CA_SECRET_ARN, caProperties, createEvent, deleteEvent, LEAF_SECRET_ARN, leafProperties, updateEvent } from './helpers/events';
import { FakeSecretsManager } from './helpers/fake-secrets-manager';

/** @peculiar/x509 with its ASN.1 schemas, tsyringe and reflect-metadata are about 365 KiB minified. */
const MAX_BUNDLE_BYTES = 512 * 1024;

let outDir: string;
let bundle: IssuerBundle;
let secretsManager: FakeSecretsManager;

beforeAll(async () => {
  outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cert-issuer-bundle-'));
  bundle = bundleIssuer(outDir);
  secretsManager = await FakeSecretsManager.start();
});

afterAll(async () => {
  await secretsManager?.close();
  if (outDir) fs.rmSync(outDir, { recursive: true, force: true });
});

test('bundles with esbuild, minified, under the size budget', () => {
  // GIVEN the bundle built in beforeAll  THEN it has a size within budget
  console.log(`cert-issuer bundle: ${bundle.bytes} bytes (${(bundle.bytes / 1024).toFixed(1)} KiB) minified`);
  expect(bundle.bytes).toBeGreaterThan(100 * 1024);
  expect(bundle.bytes).toBeLessThan(MAX_BUNDLE_BYTES);
});

test('includes @peculiar/x509 and reflect-metadata, leaves the AWS SDK to the runtime, and needs nothing else', () => {
  // GIVEN the bundle's metafile
  const inputs = Object.keys(bundle.metafile.inputs);
  const packages = new Set(
    inputs
      .filter((i) => i.includes('node_modules/'))
      .map((i) => {
        const [scope, name] = i.split('node_modules/').pop()!.split('/');
        return scope.startsWith('@') ? `${scope}/${name}` : scope;
      }),
  );

  // THEN the certificate library, its DI container and the metadata polyfill are in, no AWS SDK
  for (const pkg of ['@peculiar/x509', 'reflect-metadata', 'tsyringe', 'asn1js']) expect(packages).toContain(pkg);
  expect([...packages].filter((p) => p.startsWith('@aws-sdk/') || p.startsWith('@smithy/'))).toEqual([]);
  const ours = inputs.filter((i) => !i.includes('node_modules/'));
  expect(ours.sort()).toEqual(['lambda/cert-issuer/index.ts', 'lambda/cert-issuer/issue.ts', 'lambda/cert-issuer/properties.ts']);
  // AND at run time it requires only Node.js built-ins and the SDK client the runtime has
  const imports = new Set(Object.values(bundle.metafile.outputs).flatMap((o) => o.imports.map((i) => i.path)));
  expect([...imports].filter((i) => !isBuiltin(i))).toEqual(['@aws-sdk/client-secrets-manager']);
});

test('the bundle issues a CA and a leaf through the real SDK, idempotently, logging no key', async () => {
  // GIVEN a CA Create, the same request retried, and a Delete
  const caCreate = createEvent({ resourceType: 'Custom::MeshCa', properties: caProperties() });
  const caDelete = deleteEvent({ resourceType: 'Custom::MeshCa', properties: caProperties(), physicalResourceId: `mesh-ca:${CA_SECRET_ARN}` });

  // WHEN a fresh node runs them through the bundle (a cold start)
  const caRun = await runBundle(bundle, [caCreate, caCreate, caDelete], secretsManager.endpoint);

  // THEN the CA was issued once: both answers describe the one version written
  const [created, retried, deleted] = caRun.results;
  expect(created).toMatchObject({ ok: true, response: { PhysicalResourceId: `mesh-ca:${CA_SECRET_ARN}` } });
  expect(retried).toEqual(created);
  expect(deleted).toEqual({ ok: true, response: { PhysicalResourceId: `mesh-ca:${CA_SECRET_ARN}` } });
  const caData = (created as { response: { Data: { VersionId: string; SerialNumber: string } } }).response.Data;
  expect(secretsManager.versions.get(CA_SECRET_ARN)?.size).toBe(1);
  expect(secretsManager.current.get(CA_SECRET_ARN)).toBe(caData.VersionId);
  const caSecret = JSON.parse(secretsManager.versions.get(CA_SECRET_ARN)!.get(caData.VersionId)!) as { certificate: string; generation: string };
  const caCert = new X509Certificate(caSecret.certificate);
  expect(caCert.ca).toBe(true);
  expect(caCert.serialNumber.toLowerCase()).toBe(caData.SerialNumber);
  expect(caSecret.generation).toBe('1');

  // WHEN another cold start issues a leaf of the same generation (as a service's stack, deployed after the CA's, does)
  const leafCreate = createEvent({ resourceType: 'Custom::MeshCertificate', properties: leafProperties() });
  const leafRun = await runBundle(bundle, [leafCreate], secretsManager.endpoint);

  // THEN the leaf secret holds a leaf the CA signed, for the DNS names
  expect(leafRun.results[0]).toMatchObject({ ok: true, response: { PhysicalResourceId: `mesh-cert:${LEAF_SECRET_ARN}` } });
  const [leafVersion] = [...secretsManager.versions.get(LEAF_SECRET_ARN)!.values()];
  const leafSecret = JSON.parse(leafVersion) as { certificate: string; certificateChain: string; ca: string };
  const leaf = new X509Certificate(leafSecret.certificate);
  expect(leaf.verify(caCert.publicKey)).toBe(true);
  expect(leaf.subjectAltName).toBe('DNS:orders.shop.local, DNS:v1.orders.shop.local');
  expect(leafSecret.ca).toBe(caSecret.certificate);
  // AND the SDK signed every request, and read the CA at its current version (no VersionId)
  expect(secretsManager.requests.map((r) => r.operation)).toEqual(['PutSecretValue', 'PutSecretValue', 'GetSecretValue', 'GetSecretValue', 'PutSecretValue']);
  expect(secretsManager.requests[3].body).toEqual({ SecretId: CA_SECRET_ARN });
  for (const request of secretsManager.requests) expect(request.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\//);
  // AND every log line is one JSON object, none with a key
  const lines = `${caRun.output}${leafRun.output}`.split('\n').filter(Boolean);
  expect(lines).toHaveLength(4);
  for (const line of lines) {
    expect(line).not.toContain('PRIVATE KEY');
    expect(JSON.parse(line)).toMatchObject({ level: 'INFO', logger: 'mesh-cert-issuer' });
  }
});

test('the bundle fails a leaf with a bad property, naming it', async () => {
  // GIVEN a leaf Create with a validity beyond the limit
  const event = createEvent({ resourceType: 'Custom::MeshCertificate', properties: leafProperties({ ValidityDays: '1000' }) });

  // WHEN the bundle handles it
  const run = await runBundle(bundle, [event], secretsManager.endpoint);

  // THEN it throws naming ValidityDays
  expect(run.results).toEqual([
    { ok: false, name: 'PropertyError', message: 'Custom::MeshCertificate property ValidityDays must be a whole number of days from 1 to 825, got "1000"' },
  ]);
});

test('the bundle refuses a leaf of a later generation than the CA, writing nothing', async () => {
  // GIVEN the CA at generation 1 (issued by the test above) and a leaf Create of generation 2
  const caVersion = secretsManager.current.get(CA_SECRET_ARN);
  expect(JSON.parse(secretsManager.versions.get(CA_SECRET_ARN)!.get(caVersion!)!)).toMatchObject({ generation: '1' });
  const leafVersionsBefore = secretsManager.versions.get(LEAF_SECRET_ARN)?.size ?? 0;
  const event = createEvent({ resourceType: 'Custom::MeshCertificate', properties: leafProperties({ Generation: '2' }) });

  // WHEN the bundle handles it
  const run = await runBundle(bundle, [event], secretsManager.endpoint);

  // THEN it throws naming the secret and both generations, and the leaf secret has no new version
  expect(run.results).toEqual([
    {
      ok: false,
      name: 'Error',
      message:
        `the mesh CA in ${CA_SECRET_ARN} (version ${caVersion}) is at generation 1, this certificate asks for generation 2: ` +
        'the CA must be re-issued first (deploy the stack that holds the CA before the stacks of the services)',
    },
  ]);
  expect(secretsManager.versions.get(LEAF_SECRET_ARN)?.size ?? 0).toBe(leafVersionsBefore);
});

test('the bundle issues a leaf of an earlier generation than the CA from the current CA, with one WARN line and no key', async () => {
  // GIVEN the CA re-issued at generation 2 (an Update of the CA of generation 1 issued above)
  const caUpdate = updateEvent({
    resourceType: 'Custom::MeshCa',
    properties: caProperties({ Generation: '2' }),
    oldProperties: caProperties(),
    physicalResourceId: `mesh-ca:${CA_SECRET_ARN}`,
  });
  const caRun = await runBundle(bundle, [caUpdate], secretsManager.endpoint);
  expect(caRun.results[0]).toMatchObject({ ok: true });
  const caVersion = secretsManager.current.get(CA_SECRET_ARN)!;
  const caSecret = JSON.parse(secretsManager.versions.get(CA_SECRET_ARN)!.get(caVersion)!) as { certificate: string; privateKey: string; generation: string };
  expect(caSecret.generation).toBe('2');
  const leafVersionsBefore = new Set(secretsManager.versions.get(LEAF_SECRET_ARN)?.keys());

  // WHEN the leaf's stack rolls back from generation 2 to 1: an Update whose properties ask for 1
  const rollback = updateEvent({
    resourceType: 'Custom::MeshCertificate',
    properties: leafProperties({ Generation: '1' }),
    oldProperties: leafProperties({ Generation: '2' }),
    physicalResourceId: `mesh-cert:${LEAF_SECRET_ARN}`,
  });
  const run = await runBundle(bundle, [rollback], secretsManager.endpoint);

  // THEN it succeeds, and the one new leaf version is signed by the current CA (generation 2)
  expect(run.results[0]).toMatchObject({ ok: true, response: { PhysicalResourceId: `mesh-cert:${LEAF_SECRET_ARN}` } });
  const newVersions = [...secretsManager.versions.get(LEAF_SECRET_ARN)!.entries()].filter(([id]) => !leafVersionsBefore.has(id));
  expect(newVersions).toHaveLength(1);
  expect(secretsManager.current.get(LEAF_SECRET_ARN)).toBe(newVersions[0][0]);
  const leafSecret = JSON.parse(newVersions[0][1]) as { certificate: string; privateKey: string; ca: string };
  expect(new X509Certificate(leafSecret.certificate).verify(new X509Certificate(caSecret.certificate).publicKey)).toBe(true);
  expect(leafSecret.ca).toBe(caSecret.certificate);
  // AND it logged one WARN line with both generations and the CA secret, then the INFO line, and no key
  const lines = run.output.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
  expect(lines.map((line) => line.level).sort()).toEqual(['INFO', 'WARN']);
  expect(lines.find((line) => line.level === 'WARN')).toMatchObject({
    logger: 'mesh-cert-issuer',
    resourceType: 'Custom::MeshCertificate',
    caGeneration: '2',
    requestedGeneration: '1',
    caSecretArn: CA_SECRET_ARN,
    caVersionId: caVersion,
  });
  for (const output of [caRun.output, run.output]) {
    expect(output).not.toContain('PRIVATE KEY');
    for (const key of [caSecret.privateKey, leafSecret.privateKey]) {
      expect(output).not.toContain(key.split('\n').filter((l) => l && !l.startsWith('-----')).join('').slice(0, 40));
    }
  }
});
