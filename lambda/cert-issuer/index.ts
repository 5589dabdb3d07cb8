/**
 * The mesh certificate issuer: the `onEventHandler` of a custom_resources.Provider for two
 * resource types.
 *
 * - `Custom::MeshCa` { SecretArn, CommonName, Generation }: on Create and Update, a new CA key and
 *   self-signed certificate into SecretArn as `{"certificate", "privateKey"}`.
 * - `Custom::MeshCertificate` { CaSecretArn, CaVersionId, SecretArn, CommonName, DnsNames,
 *   ValidityDays, Generation }: on Create and Update, reads the CA at CaVersionId and writes a new
 *   leaf into SecretArn as `{"certificate", "certificateChain", "privateKey", "ca"}`.
 *
 * Both answer { PhysicalResourceId: `mesh-ca:<SecretArn>` | `mesh-cert:<SecretArn>`,
 * Data: { VersionId, SerialNumber, NotAfter } }. Delete does nothing: CloudFormation deletes the
 * secrets. Every version is written with a ClientRequestToken derived from the request, so a
 * retried request makes no second version; a retry whose first attempt already wrote one answers
 * with that version.
 *
 * Private keys go only into PutSecretValue: never into the answer, a log line or an error message.
 */
import { createHash } from 'node:crypto';
import { GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { type CertificateAndKey, issueCa, issueLeaf, readCertificate } from './issue';
import { CA_RESOURCE_TYPE, LEAF_RESOURCE_TYPE, parseCaProperties, parseLeafProperties } from './properties';

/** Created once per cold start; its own retry strategy handles throttling. */
const secrets = new SecretsManagerClient({});

/** What the Provider framework reports to CloudFormation; Data becomes the resource's attributes. */
export interface IssuerResponse {
  readonly PhysicalResourceId: string;
  readonly Data?: IssuedData;
}

export interface IssuedData {
  /** The secret version written. */
  readonly VersionId: string;
  /** The certificate's serial number, hexadecimal. */
  readonly SerialNumber: string;
  /** When the certificate expires (ISO 8601). */
  readonly NotAfter: string;
}

/** The contents of a certificate secret; every value is PEM. */
interface SecretValue {
  readonly certificate: string;
  readonly privateKey: string;
  readonly certificateChain?: string;
  readonly ca?: string;
}

function log(level: 'INFO' | 'ERROR', fields: Record<string, unknown>): void {
  const line = JSON.stringify({ level, logger: 'mesh-cert-issuer', ...fields });
  if (level === 'INFO') console.log(line);
  else console.error(line);
}

/**
 * The idempotency token of a request's secret version: the same for a retried request, different
 * for every other; shaped as a UUID (version 8), as Secrets Manager's own version ids are.
 */
export function clientRequestToken(event: Pick<CloudFormationCustomResourceEvent, 'StackId' | 'LogicalResourceId' | 'RequestId'>): string {
  const hash = createHash('sha256').update(JSON.stringify([event.StackId, event.LogicalResourceId, event.RequestId])).digest();
  hash[6] = (hash[6] & 0x0f) | 0x80;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A certificate secret's JSON, read without letting a parser quote it in an error. */
function parseSecretValue(secretString: string | undefined, what: string): SecretValue {
  let value: unknown;
  try {
    value = secretString === undefined ? undefined : JSON.parse(secretString);
  } catch {
    // JSON.parse's message quotes the text it could not read.
    throw new Error(`${what} is not JSON`);
  }
  const fields = value as Partial<Record<keyof SecretValue, unknown>> | undefined;
  if (typeof fields?.certificate !== 'string' || typeof fields.privateKey !== 'string') {
    throw new Error(`${what} is not a certificate secret (JSON with "certificate" and "privateKey")`);
  }
  return fields as SecretValue;
}

interface Written {
  readonly data: IssuedData;
  /** A retried request: the version its first attempt wrote. */
  readonly retried: boolean;
}

/**
 * Writes a new version. If a version with this token exists with other contents, this is a retry
 * whose first attempt succeeded: that version, not the certificate just made, is the answer.
 */
async function writeSecret(secretArn: string, value: SecretValue, issued: { serialNumber: string; notAfter: Date }, token: string): Promise<Written> {
  try {
    const out = await secrets.send(new PutSecretValueCommand({ SecretId: secretArn, SecretString: JSON.stringify(value), ClientRequestToken: token }));
    if (!out.VersionId) throw new Error(`PutSecretValue on ${secretArn} returned no VersionId`);
    return { data: { VersionId: out.VersionId, SerialNumber: issued.serialNumber, NotAfter: issued.notAfter.toISOString() }, retried: false };
  } catch (err) {
    if ((err as { name?: unknown } | null)?.name !== 'ResourceExistsException') throw err;
  }
  const what = `the version ${token} of ${secretArn} (written by an earlier attempt of this request)`;
  const stored = await secrets.send(new GetSecretValueCommand({ SecretId: secretArn, VersionId: token }));
  const { certificate } = parseSecretValue(stored.SecretString, what);
  let earlier: { serialNumber: string; notAfter: Date };
  try {
    earlier = readCertificate(certificate);
  } catch {
    throw new Error(`${what} holds no readable certificate`);
  }
  return { data: { VersionId: stored.VersionId ?? token, SerialNumber: earlier.serialNumber, NotAfter: earlier.notAfter.toISOString() }, retried: true };
}

async function readCa(caSecretArn: string, caVersionId: string): Promise<CertificateAndKey> {
  const out = await secrets.send(new GetSecretValueCommand({ SecretId: caSecretArn, VersionId: caVersionId }));
  const { certificate, privateKey } = parseSecretValue(out.SecretString, `the mesh CA secret ${caSecretArn} (version ${caVersionId})`);
  return { certificate, privateKey };
}

async function createOrUpdate(event: CloudFormationCustomResourceEvent): Promise<{ response: IssuerResponse; retried: boolean }> {
  const token = clientRequestToken(event);
  if (event.ResourceType === CA_RESOURCE_TYPE) {
    const props = parseCaProperties(event.ResourceProperties);
    const ca = await issueCa({ commonName: props.commonName });
    const written = await writeSecret(props.secretArn, { certificate: ca.certificate, privateKey: ca.privateKey }, ca, token);
    return { response: { PhysicalResourceId: `mesh-ca:${props.secretArn}`, Data: written.data }, retried: written.retried };
  }
  if (event.ResourceType === LEAF_RESOURCE_TYPE) {
    const props = parseLeafProperties(event.ResourceProperties);
    const ca = await readCa(props.caSecretArn, props.caVersionId);
    const leaf = await issueLeaf({ ca, commonName: props.commonName, dnsNames: props.dnsNames, validityDays: props.validityDays }).catch((err: unknown) => {
      throw new Error(`cannot issue from the mesh CA secret ${props.caSecretArn} (version ${props.caVersionId}): ${(err as Error).message}`);
    });
    const value: SecretValue = {
      certificate: leaf.certificate,
      certificateChain: leaf.certificateChain,
      privateKey: leaf.privateKey,
      ca: leaf.ca,
    };
    const written = await writeSecret(props.secretArn, value, leaf, token);
    return { response: { PhysicalResourceId: `mesh-cert:${props.secretArn}`, Data: written.data }, retried: written.retried };
  }
  throw new Error(`unknown ResourceType ${JSON.stringify(event.ResourceType)}: expected ${CA_RESOURCE_TYPE} or ${LEAF_RESOURCE_TYPE}`);
}

export const handler = async (event: CloudFormationCustomResourceEvent): Promise<IssuerResponse> => {
  const context = {
    requestType: event.RequestType,
    resourceType: event.ResourceType,
    logicalResourceId: event.LogicalResourceId,
    generation: typeof event.ResourceProperties?.Generation === 'string' ? event.ResourceProperties.Generation : undefined,
  };
  try {
    if (event.RequestType === 'Delete') {
      // The secrets are CloudFormation's to delete. Whatever the properties were (even those of a
      // Create that failed), there is nothing to undo.
      log('INFO', { msg: 'deleted (nothing to do)', ...context, physicalResourceId: event.PhysicalResourceId });
      return { PhysicalResourceId: event.PhysicalResourceId };
    }
    const { response, retried } = await createOrUpdate(event);
    log('INFO', {
      msg: retried ? 'already issued by an earlier attempt of this request' : 'issued',
      ...context,
      physicalResourceId: response.PhysicalResourceId,
      serial: response.Data?.SerialNumber,
      notAfter: response.Data?.NotAfter,
      versionId: response.Data?.VersionId,
    });
    return response;
  } catch (err) {
    const error = err as { name?: unknown; message?: unknown } | null;
    log('ERROR', { msg: 'failed', ...context, error: String(error?.name ?? typeof err), detail: String(error?.message ?? err) });
    throw err;
  }
};
