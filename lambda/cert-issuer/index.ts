/**
 * The mesh certificate issuer: the `onEventHandler` of a custom_resources.Provider for two
 * resource types.
 *
 * - `Custom::MeshCa` { SecretArn, CommonName, Generation }: on Create and Update, a new CA key and
 *   self-signed certificate into SecretArn as `{"certificate", "privateKey", "generation"}`, where
 *   `generation` is the Generation property as given.
 * - `Custom::MeshCertificate` { CaSecretArn, SecretArn, CommonName, DnsNames, ValidityDays,
 *   Generation }: on Create and Update, reads the CA's current version (AWSCURRENT) and writes a new
 *   leaf into SecretArn as `{"certificate", "certificateChain", "privateKey", "ca"}`. The leaves may
 *   be in other stacks than the CA, ordered after it by stack dependencies, so they cannot name the
 *   CA's version: instead the CA read is checked against the leaf's own Generation.
 *   - The same generation: the leaf is issued.
 *   - Both whole numbers, the CA's the greater (the CA was re-issued after: as when CloudFormation
 *     rolls a service's stack back to the previous generation after the CA's stack rotated the CA):
 *     the leaf is issued from the current CA all the same, and one WARN line says so (both
 *     generations and the CA secret). Failing there would fail the rollback too, and leave the stack
 *     in UPDATE_ROLLBACK_FAILED; a leaf of the current CA is the one its peers trust.
 *   - Otherwise the leaf fails, writing nothing: the CA behind the leaf (the service's stack deployed
 *     before the CA's), generations that differ and are not both whole numbers ("01" is not "1"), or
 *     a CA secret without `generation` (written by an older issuer: of no generation).
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

/** The contents of a certificate secret; every value but `generation` is PEM. */
interface SecretValue {
  readonly certificate: string;
  readonly privateKey: string;
  readonly certificateChain?: string;
  readonly ca?: string;
  /** The CA's only: its resource's Generation property. Unchecked when read (see checkGeneration). */
  readonly generation?: unknown;
}

function log(level: 'INFO' | 'WARN' | 'ERROR', fields: Record<string, unknown>): void {
  const line = JSON.stringify({ level, logger: 'mesh-cert-issuer', ...fields });
  if (level === 'INFO') console.log(line);
  else if (level === 'WARN') console.warn(line);
  else console.error(line);
}

/** What every log line of a request says about it (properties only: never a secret's contents). */
function logContext(event: CloudFormationCustomResourceEvent): Record<string, unknown> {
  return {
    requestType: event.RequestType,
    resourceType: event.ResourceType,
    logicalResourceId: event.LogicalResourceId,
    generation: typeof event.ResourceProperties?.Generation === 'string' ? event.ResourceProperties.Generation : undefined,
  };
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

interface CurrentCa {
  readonly ca: CertificateAndKey;
  /** The version read (AWSCURRENT), for error messages. */
  readonly versionId: string;
  readonly generation: unknown;
}

/** The CA secret's current version: the CA the stack that holds it wrote last. */
async function readCurrentCa(caSecretArn: string): Promise<CurrentCa> {
  const out = await secrets.send(new GetSecretValueCommand({ SecretId: caSecretArn }));
  const versionId = out.VersionId ?? 'AWSCURRENT';
  const { certificate, privateKey, generation } = parseSecretValue(out.SecretString, `the mesh CA secret ${caSecretArn} (version ${versionId})`);
  return { ca: { certificate, privateKey }, versionId, generation };
}

/** A generation as the CA resource writes it: short and printable, so it may be quoted. */
const GENERATION_SHAPE = /^[\x21-\x7e]{1,64}$/;

/** Whole numbers, as mesh.certificates.generation is: the only generations that are ordered. */
const WHOLE_NUMBER = /^\d+$/;

/** How the CA read stands to the leaf's generation, when the leaf may be issued from it. */
type GenerationMatch = { readonly ahead: false } | { readonly ahead: true; readonly caGeneration: string };

/**
 * A leaf is issued by the CA of its own generation, or by a later one: a leaf whose stack is
 * deployed before the CA's was re-issued would otherwise be signed by the CA about to be replaced,
 * and distrusted. A CA of a later generation (whole numbers, compared as numbers) is the one in
 * use: a leaf asking for an earlier generation is a rollback of its stack after the CA's rotated,
 * and is issued from it, with `ahead` set so the caller warns. Anything else throws.
 */
function checkGeneration(caSecretArn: string, current: CurrentCa, wanted: string): GenerationMatch {
  const found = current.generation;
  if (found === wanted) return { ahead: false };
  const where = `the mesh CA in ${caSecretArn} (version ${current.versionId})`;
  const asks = `this certificate asks for generation ${wanted}`;
  const deployCaFirst = 'deploy the stack that holds the CA before the stacks of the services';
  if (typeof found !== 'string' || !GENERATION_SHAPE.test(found)) {
    // Missing: a CA secret written by an issuer before generations were recorded; only a new CA has
    // one. Anything else is not quoted: it is read from a secret.
    const what = found === undefined ? 'has no generation (it was written by an older issuer)' : 'has an unreadable generation';
    throw new Error(`${where} ${what}, ${asks}: the CA must be re-issued first (raise mesh.certificates.generation, and ${deployCaFirst})`);
  }
  if (WHOLE_NUMBER.test(found) && WHOLE_NUMBER.test(wanted) && BigInt(found) > BigInt(wanted)) {
    return { ahead: true, caGeneration: found };
  }
  throw new Error(`${where} is at generation ${found}, ${asks}: the CA must be re-issued first (${deployCaFirst})`);
}

async function createOrUpdate(event: CloudFormationCustomResourceEvent, context: Record<string, unknown>): Promise<{ response: IssuerResponse; retried: boolean }> {
  const token = clientRequestToken(event);
  if (event.ResourceType === CA_RESOURCE_TYPE) {
    const props = parseCaProperties(event.ResourceProperties);
    const ca = await issueCa({ commonName: props.commonName });
    const value: SecretValue = { certificate: ca.certificate, privateKey: ca.privateKey, generation: props.generation };
    const written = await writeSecret(props.secretArn, value, ca, token);
    return { response: { PhysicalResourceId: `mesh-ca:${props.secretArn}`, Data: written.data }, retried: written.retried };
  }
  if (event.ResourceType === LEAF_RESOURCE_TYPE) {
    const props = parseLeafProperties(event.ResourceProperties);
    const current = await readCurrentCa(props.caSecretArn);
    const match = checkGeneration(props.caSecretArn, current, props.generation);
    if (match.ahead) {
      log('WARN', {
        msg:
          'the mesh CA is of a later generation than this certificate asks for (the CA was re-issued since: ' +
          'a rollback of this stack?); issuing from the current CA, so that the stack does not fail',
        ...context,
        caGeneration: match.caGeneration,
        requestedGeneration: props.generation,
        caSecretArn: props.caSecretArn,
        caVersionId: current.versionId,
      });
    }
    const leaf = await issueLeaf({ ca: current.ca, commonName: props.commonName, dnsNames: props.dnsNames, validityDays: props.validityDays }).catch((err: unknown) => {
      throw new Error(`cannot issue from the mesh CA secret ${props.caSecretArn} (version ${current.versionId}): ${(err as Error).message}`);
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
  const context = logContext(event);
  try {
    if (event.RequestType === 'Delete') {
      // The secrets are CloudFormation's to delete. Whatever the properties were (even those of a
      // Create that failed), there is nothing to undo.
      log('INFO', { msg: 'deleted (nothing to do)', ...context, physicalResourceId: event.PhysicalResourceId });
      return { PhysicalResourceId: event.PhysicalResourceId };
    }
    const { response, retried } = await createOrUpdate(event, context);
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
