/**
 * CloudFormation custom resource events as the Provider framework hands them to the issuer, with
 * the properties aws-cdk-lib's MeshCertificates construct sets (scalars as strings).
 */
import { randomUUID } from 'node:crypto';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';

export const REGION = 'eu-west-1';
export const ACCOUNT = '123456789012';
export const STACK_ID = `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/shop-platform/8c3f2b10-0000-11ef-8a5e-0a1b2c3d4e5f`;
export const SERVICE_TOKEN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:shop-platform-ProviderframeworkonEvent`;
export const CA_SECRET_ARN = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:MeshCertificatesCaSecret-AbCdEf`;
export const LEAF_SECRET_ARN = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:MeshCertificatesordersv1Secret-GhIjKl`;

export type Properties = Record<string, unknown>;

export const caProperties = (overrides: Properties = {}): Properties => ({
  ServiceToken: SERVICE_TOKEN,
  SecretArn: CA_SECRET_ARN,
  CommonName: 'shop mesh CA',
  Generation: '1',
  ...overrides,
});

export const leafProperties = (overrides: Properties = {}): Properties => ({
  ServiceToken: SERVICE_TOKEN,
  CaSecretArn: CA_SECRET_ARN,
  SecretArn: LEAF_SECRET_ARN,
  CommonName: 'v1.orders.shop.local',
  DnsNames: ['orders.shop.local', 'v1.orders.shop.local'],
  ValidityDays: '365',
  Generation: '1',
  ...overrides,
});

interface EventOptions {
  readonly resourceType: 'Custom::MeshCa' | 'Custom::MeshCertificate' | string;
  readonly properties: Properties;
  readonly logicalResourceId?: string;
  readonly requestId?: string;
}

function common(options: EventOptions) {
  return {
    ServiceToken: SERVICE_TOKEN,
    ResponseURL: 'https://cloudformation-custom-resource-response-euwest1.s3.amazonaws.com/presigned',
    StackId: STACK_ID,
    RequestId: options.requestId ?? randomUUID(),
    LogicalResourceId: options.logicalResourceId ?? (options.resourceType === 'Custom::MeshCa' ? 'MeshCertificatesCa' : 'MeshCertificatesordersv1Certificate'),
    ResourceType: options.resourceType,
    // The event's types say strings; CloudFormation also sends lists, and tests send anything.
    ResourceProperties: options.properties as CloudFormationCustomResourceEvent['ResourceProperties'],
  };
}

export function createEvent(options: EventOptions): CloudFormationCustomResourceEvent {
  return { RequestType: 'Create', ...common(options) };
}

export function updateEvent(options: EventOptions & { physicalResourceId: string; oldProperties: Properties }): CloudFormationCustomResourceEvent {
  return {
    RequestType: 'Update',
    ...common(options),
    PhysicalResourceId: options.physicalResourceId,
    OldResourceProperties: options.oldProperties as CloudFormationCustomResourceEvent['ResourceProperties'],
  };
}

export function deleteEvent(options: EventOptions & { physicalResourceId: string }): CloudFormationCustomResourceEvent {
  return { RequestType: 'Delete', ...common(options), PhysicalResourceId: options.physicalResourceId };
}
