/**
 * The custom resources' properties, checked. CloudFormation passes scalars as strings and lists as
 * lists of strings; a bad property fails the deployment with an error that names it.
 */

export const CA_RESOURCE_TYPE = 'Custom::MeshCa';
export const LEAF_RESOURCE_TYPE = 'Custom::MeshCertificate';

/** The longest leaf validity, as mesh.certificates.validityDays allows. */
export const MAX_VALIDITY_DAYS = 825;

export interface CaProperties {
  readonly secretArn: string;
  readonly commonName: string;
  /** Written into the CA secret as `generation`, as given: the leaves of the same generation check it. */
  readonly generation: string;
}

export interface LeafProperties {
  /** The CA is read at its current version (AWSCURRENT). */
  readonly caSecretArn: string;
  readonly secretArn: string;
  readonly commonName: string;
  readonly dnsNames: string[];
  readonly validityDays: number;
  /**
   * Compared with the `generation` of the CA read: the leaf is issued by the CA of its generation,
   * or (whole numbers) of a later one, with a warning; see index.ts.
   */
  readonly generation: string;
}

/** A property that is missing or invalid. */
export class PropertyError extends Error {
  constructor(
    public readonly resourceType: string,
    public readonly property: string,
    problem: string,
  ) {
    super(`${resourceType} property ${property} ${problem}`);
    this.name = 'PropertyError';
  }
}

type Properties = Record<string, unknown>;

/** A letter-digit-hyphen label; a name is at most 253 characters, optionally with a leading `*.`. */
const DNS_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

function isDnsName(name: string): boolean {
  const labels = (name.startsWith('*.') ? name.slice(2) : name).split('.');
  return name.length <= 253 && labels.every((label) => DNS_LABEL.test(label));
}

/** What to show of a bad value: its JSON, cut short. Properties are never secret. */
function shown(value: unknown): string {
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}

function requiredString(type: string, props: Properties, name: string): string {
  const value = props[name];
  if (value === undefined || value === null) throw new PropertyError(type, name, 'is required');
  if (typeof value !== 'string') throw new PropertyError(type, name, `must be a string, got ${shown(value)}`);
  if (value.trim() === '') throw new PropertyError(type, name, 'must not be empty');
  return value;
}

function dnsNames(type: string, props: Properties): string[] {
  const value = props.DnsNames;
  if (value === undefined || value === null) throw new PropertyError(type, 'DnsNames', 'is required');
  if (!Array.isArray(value)) throw new PropertyError(type, 'DnsNames', `must be a list of DNS names, got ${shown(value)}`);
  if (value.length === 0) throw new PropertyError(type, 'DnsNames', 'must name at least one DNS name');
  value.forEach((name: unknown, i) => {
    if (typeof name !== 'string' || !isDnsName(name)) throw new PropertyError(type, `DnsNames[${i}]`, `is not a DNS name: ${shown(name)}`);
  });
  const names = value as string[];
  const duplicate = names.find((name, i) => names.findIndex((n) => n.toLowerCase() === name.toLowerCase()) !== i);
  if (duplicate !== undefined) throw new PropertyError(type, 'DnsNames', `names ${shown(duplicate)} twice`);
  return [...names];
}

function validityDays(type: string, props: Properties): number {
  const value = props.ValidityDays;
  if (value === undefined || value === null || value === '') throw new PropertyError(type, 'ValidityDays', 'is required');
  const text = typeof value === 'number' ? String(value) : value;
  const days = typeof text === 'string' && /^\d{1,4}$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!(days >= 1 && days <= MAX_VALIDITY_DAYS)) {
    throw new PropertyError(type, 'ValidityDays', `must be a whole number of days from 1 to ${MAX_VALIDITY_DAYS}, got ${shown(value)}`);
  }
  return days;
}

export function parseCaProperties(props: Properties | undefined): CaProperties {
  const p = props ?? {};
  return {
    secretArn: requiredString(CA_RESOURCE_TYPE, p, 'SecretArn'),
    commonName: requiredString(CA_RESOURCE_TYPE, p, 'CommonName'),
    generation: requiredString(CA_RESOURCE_TYPE, p, 'Generation'),
  };
}

export function parseLeafProperties(props: Properties | undefined): LeafProperties {
  const p = props ?? {};
  const type = LEAF_RESOURCE_TYPE;
  return {
    caSecretArn: requiredString(type, p, 'CaSecretArn'),
    secretArn: requiredString(type, p, 'SecretArn'),
    commonName: requiredString(type, p, 'CommonName'),
    dnsNames: dnsNames(type, p),
    validityDays: validityDays(type, p),
    generation: requiredString(type, p, 'Generation'),
  };
}
