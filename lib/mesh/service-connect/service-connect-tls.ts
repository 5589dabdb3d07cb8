import { ArnFormat, Duration, RemovalPolicy, Stack, Tags, Validations } from 'aws-cdk-lib';
import * as acmpca from 'aws-cdk-lib/aws-acmpca';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/** Properties of a {@link ServiceConnectTls}. */
export interface ServiceConnectTlsProps {
  /** The platform's name, in the CA's subject. */
  readonly platformName: string;
  /** The cluster whose services get certificates: the role serves only them. */
  readonly clusterName: string;
  /**
   * An existing AWS Private CA to issue the certificates.
   * @default - a root CA in short-lived certificate mode is created
   */
  readonly certificateAuthorityArn?: string;
}

/** The template Service Connect issues its end-entity certificates from. */
const END_ENTITY_TEMPLATE = 'arn:aws:acm-pca:::template/EndEntityCertificate/V1';
/** The tag ECS puts on the secrets it creates for Service Connect TLS. */
const ECS_MANAGED_TAG = 'AmazonECSManaged';

/**
 * What Service Connect needs for TLS between services: an AWS Private CA (the one given, or a root
 * CA in short-lived certificate mode, which suits certificates ECS rotates every few days), a KMS key
 * for the private keys ECS keeps in Secrets Manager, and the ECS infrastructure role ECS does that
 * with. The role may issue end-entity certificates from this CA only, manage only the `ecs-sc!`
 * secrets ECS creates for this cluster's services, and use only this key.
 */
export class ServiceConnectTls extends Construct {
  /** The CA's ARN. */
  public readonly certificateAuthorityArn: string;
  /** The CA, when the platform created it. */
  public readonly certificateAuthority?: acmpca.CfnCertificateAuthority;
  /** The key the certificates' private keys are encrypted with. */
  public readonly key: kms.Key;
  /** The ECS infrastructure role that issues and rotates the certificates. */
  public readonly role: iam.Role;
  /** The TLS settings of every service's Service Connect port. */
  public readonly configuration: ecs.ServiceConnectTlsConfiguration;

  constructor(scope: Construct, id: string, props: ServiceConnectTlsProps) {
    super(scope, id);
    const stack = Stack.of(this);

    // The CA's activation with its root certificate, when the platform creates the CA.
    let activation: acmpca.CfnCertificateAuthorityActivation | undefined;
    if (props.certificateAuthorityArn !== undefined) {
      this.certificateAuthorityArn = props.certificateAuthorityArn;
    } else {
      const ca = new acmpca.CfnCertificateAuthority(this, 'CertificateAuthority', {
        type: 'ROOT',
        usageMode: 'SHORT_LIVED_CERTIFICATE',
        keyAlgorithm: 'EC_prime256v1',
        signingAlgorithm: 'SHA256WITHECDSA',
        subject: { commonName: `${props.platformName} service connect`, organization: props.platformName },
      });
      Tags.of(ca).add(ECS_MANAGED_TAG, 'true');
      const caCertificate = new acmpca.CfnCertificate(this, 'CaCertificate', {
        certificateAuthorityArn: ca.attrArn,
        certificateSigningRequest: ca.attrCertificateSigningRequest,
        signingAlgorithm: 'SHA256WITHECDSA',
        templateArn: 'arn:aws:acm-pca:::template/RootCACertificate/V1',
        validity: { type: 'YEARS', value: 10 },
      });
      activation = new acmpca.CfnCertificateAuthorityActivation(this, 'Activation', {
        certificateAuthorityArn: ca.attrArn,
        certificate: caCertificate.attrCertificate,
        status: 'ACTIVE',
      });
      this.certificateAuthority = ca;
      this.certificateAuthorityArn = ca.attrArn;
    }

    this.key = new kms.Key(this, 'Key', {
      description: `Encrypts the ${props.platformName} Service Connect TLS keys`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    this.role = new iam.Role(this, 'InfrastructureRole', {
      assumedBy: new iam.ServicePrincipal('ecs.amazonaws.com'),
      description: `ECS infrastructure role: Service Connect TLS of the ${props.platformName} platform`,
    });
    // Services refer to the role, so they are created after the CA can issue certificates.
    if (activation) this.role.node.addDependency(activation);
    this.key.grant(this.role, 'kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey', 'kms:GenerateDataKeyPair');

    const secrets = stack.formatArn({ service: 'secretsmanager', resource: 'secret', resourceName: 'ecs-sc!*', arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    const services = [
      stack.formatArn({ service: 'ecs', resource: 'service', resourceName: `${props.clusterName}/*` }),
      stack.formatArn({ service: 'ecs', resource: 'task-set', resourceName: `${props.clusterName}/*` }),
    ];
    const ownAccount = { 'aws:ResourceAccount': stack.account };
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'CreateTlsSecrets',
        actions: ['secretsmanager:CreateSecret', 'secretsmanager:TagResource'],
        resources: [secrets],
        conditions: {
          ArnLike: { 'aws:RequestTag/AmazonECSCreated': services },
          StringEquals: { [`aws:RequestTag/${ECS_MANAGED_TAG}`]: 'true', ...ownAccount },
        },
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'RotateTlsSecrets',
        actions: [
          'secretsmanager:UpdateSecret',
          'secretsmanager:GetSecretValue',
          'secretsmanager:PutSecretValue',
          'secretsmanager:DeleteSecret',
          'secretsmanager:RotateSecret',
          'secretsmanager:UpdateSecretVersionStage',
        ],
        resources: [secrets],
        conditions: { StringEquals: { 'secretsmanager:ResourceTag/aws:secretsmanager:owningService': 'ecs-sc', ...ownAccount } },
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({ sid: 'DescribeTlsSecrets', actions: ['secretsmanager:DescribeSecret'], resources: [secrets], conditions: { StringEquals: ownAccount } }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadCertificateAuthority',
        actions: ['acm-pca:GetCertificate', 'acm-pca:GetCertificateAuthorityCertificate', 'acm-pca:DescribeCertificateAuthority'],
        resources: [this.certificateAuthorityArn],
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'IssueEndEntityCertificates',
        actions: ['acm-pca:IssueCertificate'],
        resources: [this.certificateAuthorityArn],
        conditions: { StringEquals: { 'acm-pca:TemplateArn': END_ENTITY_TEMPLATE } },
      }),
    );
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:ecs-sc!*]',
      reason:
        "ECS names the TLS secrets it creates itself ('ecs-sc!' and a suffix); the statements' conditions limit them to " +
        'secrets ECS owns or tags as created for a service of this cluster, in this account.',
    });

    this.configuration = { awsPcaAuthorityArn: this.certificateAuthorityArn, kmsKey: this.key, role: this.role };
  }
}
