import { type CfnElement, CustomResource, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { BundledFunction } from '../../common/bundled-function';

/** A proxy that gets a leaf certificate. */
export interface MeshProxyIdentity {
  /** A construct-safe id, for example `orders-v1` or `ingress`. */
  readonly id: string;
  /** The certificate's subject common name. */
  readonly commonName: string;
  /** The certificate's DNS subject alternative names: what peers check. */
  readonly dnsNames: string[];
}

/** Properties of a {@link MeshCertificates}. */
export interface MeshCertificatesProps {
  /** The platform's name, in the CA's name. */
  readonly platformName: string;
  /** The proxies to issue leaves for. */
  readonly proxies: readonly MeshProxyIdentity[];
  /** Changing it issues a new CA and new leaves. */
  readonly generation: number;
  /** Validity of the leaves, in days. */
  readonly validityDays: number;
}

/** A proxy's certificate, as ECS reads it. */
export interface IssuedCertificate {
  /** The secret: JSON with `certificateChain`, `privateKey` and `ca` (PEM). */
  readonly secret: secretsmanager.ISecret;
  /** The secret version the issuer wrote; a new one (rotation) changes every task definition that reads it. */
  readonly versionId: string;
}

/**
 * The mesh's private CA and one leaf certificate per proxy, issued at deploy time by a custom
 * resource (lambda/cert-issuer) into Secrets Manager secrets encrypted with the mesh's KMS key.
 * No private key is in a template, an output or a log: the issuer writes keys only into the secrets.
 */
export class MeshCertificates extends Construct {
  /** The key the certificate secrets are encrypted with. */
  public readonly key: kms.Key;
  /** The CA's certificate and key. Only the issuer reads it. */
  public readonly caSecret: secretsmanager.Secret;
  /** The function that issues certificates. */
  public readonly issuer: BundledFunction;

  private readonly certificates = new Map<string, IssuedCertificate>();

  constructor(scope: Construct, id: string, props: MeshCertificatesProps) {
    super(scope, id);

    this.key = new kms.Key(this, 'Key', {
      description: `Encrypts the ${props.platformName} mesh certificates`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    this.issuer = new BundledFunction(this, 'Issuer', {
      source: 'cert-issuer',
      description: `Issues the ${props.platformName} mesh CA and proxy certificates`,
      memorySize: 512,
      timeout: Duration.minutes(1),
    });
    const provider = new cr.Provider(this, 'Provider', { onEventHandler: this.issuer.function });

    const secret = (secretId: string, description: string) =>
      new secretsmanager.Secret(this, secretId, {
        description,
        encryptionKey: this.key,
        removalPolicy: RemovalPolicy.DESTROY,
      });

    this.caSecret = secret('CaSecret', `The ${props.platformName} mesh CA (certificate and key)`);
    this.caSecret.grantRead(this.issuer.role);
    this.caSecret.grantWrite(this.issuer.role);
    const ca = new CustomResource(this, 'Ca', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::MeshCa',
      properties: {
        SecretArn: this.caSecret.secretArn,
        CommonName: `${props.platformName} mesh CA`,
        Generation: String(props.generation),
      },
    });

    for (const proxy of props.proxies) {
      const leafSecret = secret(`${proxy.id}Secret`, `The ${props.platformName} mesh certificate of ${proxy.id}`);
      // Read too: a retried request reads back the version it already wrote instead of writing another.
      leafSecret.grantRead(this.issuer.role);
      leafSecret.grantWrite(this.issuer.role);
      const leaf = new CustomResource(this, `${proxy.id}Certificate`, {
        serviceToken: provider.serviceToken,
        resourceType: 'Custom::MeshCertificate',
        properties: {
          CaSecretArn: this.caSecret.secretArn,
          // A new CA version re-issues every leaf.
          CaVersionId: ca.getAttString('VersionId'),
          SecretArn: leafSecret.secretArn,
          CommonName: proxy.commonName,
          DnsNames: proxy.dnsNames,
          ValidityDays: String(props.validityDays),
          Generation: String(props.generation),
        },
      });
      this.certificates.set(proxy.id, { secret: leafSecret, versionId: leaf.getAttString('VersionId') });
    }

    Validations.of(this).acknowledge(
      {
        id: 'AwsSolutions-SMG4',
        reason: 'Certificates rotate by changing mesh.certificates.generation, which re-issues them and rolls every task: Envoy does not reload file certificates, so a Secrets Manager rotation alone would change nothing.',
      },
    );
    Validations.of(provider).acknowledge(
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: 'The custom-resource framework function of aws-cdk-lib: it only writes its own logs.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.issuer.function.node.defaultChild as CfnElement)}.Arn>:*]`,
        reason: 'The framework invokes any version of the issuer function, and only that function.',
      },
    );
  }

  /** The certificate issued for a proxy. */
  public certificate(proxyId: string): IssuedCertificate {
    const issued = this.certificates.get(proxyId);
    if (!issued) throw new Error(`MeshCertificates: no certificate was issued for '${proxyId}'`);
    return issued;
  }
}
