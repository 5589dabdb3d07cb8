import { ArnFormat, type CfnElement, CustomResource, Duration, RemovalPolicy, Stack, Tags, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
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
  /** The platform's name, in the CA's name and the certificate secrets' tag. */
  readonly platformName: string;
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
  /**
   * Lets a principal decrypt the secret (through Secrets Manager only). Granted in the principal's
   * own policy: a grant in the key's policy would make the CA's stack refer to every service stack.
   */
  grantDecrypt(grantee: iam.IGrantable): void;
}

/**
 * The tag that marks the mesh's certificate secrets: the issuer may read and write exactly the
 * secrets that carry it with the platform's name, wherever they are created.
 */
export const MESH_CERTIFICATE_TAG = 'platform:mesh-certificate';

/**
 * The mesh's private CA, issued at deploy time by a custom resource (lambda/cert-issuer) into a
 * Secrets Manager secret encrypted with the mesh's KMS key, and the proxies' leaf certificates
 * ({@link MeshCertificates.issue}), which may be in other stacks. No private key is in a template, an
 * output or a log: the issuer writes keys only into the secrets.
 */
export class MeshCertificates extends Construct {
  /** The key the certificate secrets are encrypted with. */
  public readonly key: kms.Key;
  /** The CA's certificate and key. Only the issuer reads it. */
  public readonly caSecret: secretsmanager.Secret;
  /** The custom resource that issues the CA: every leaf is issued after it. */
  public readonly ca: CustomResource;
  /** The function that issues certificates. */
  public readonly issuer: BundledFunction;
  /** The custom-resource provider in front of the issuer. */
  private readonly provider: cr.Provider;

  constructor(scope: Construct, id: string, private readonly props: MeshCertificatesProps) {
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
    this.provider = new cr.Provider(this, 'Provider', { onEventHandler: this.issuer.function });

    // The issuer reads (a retried request reads back the version it already wrote) and writes the
    // platform's certificate secrets, found by their tag: leaves are created in the services'
    // stacks, and one grant per secret would outgrow the role's policy at a few hundred proxies.
    const stack = Stack.of(this);
    this.issuer.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'],
        resources: [stack.formatArn({ service: 'secretsmanager', resource: 'secret', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
        conditions: { StringEquals: { [`secretsmanager:ResourceTag/${MESH_CERTIFICATE_TAG}`]: props.platformName } },
      }),
    );
    this.key.grant(
      new kms.ViaServicePrincipal(`secretsmanager.${stack.region}.amazonaws.com`, this.issuer.role),
      'kms:Decrypt', 'kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*',
    );

    this.caSecret = this.secret(this, 'CaSecret', `The ${props.platformName} mesh CA (certificate and key)`);
    this.ca = new CustomResource(this, 'Ca', {
      serviceToken: this.provider.serviceToken,
      resourceType: 'Custom::MeshCa',
      properties: {
        SecretArn: this.caSecret.secretArn,
        CommonName: `${props.platformName} mesh CA`,
        Generation: String(props.generation),
      },
    });

    Validations.of(this.caSecret).acknowledge(SMG4);
    Validations.of(this.issuer.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:*]`,
      reason: `Only the secrets tagged ${MESH_CERTIFICATE_TAG}=${props.platformName} (the condition on the statement): the mesh CA and the proxies' certificates, which are created in several stacks.`,
    });
    Validations.of(this.provider).acknowledge(
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: 'The custom-resource framework function of aws-cdk-lib: it only writes its own logs.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(this.issuer.function.node.defaultChild as CfnElement)}.Arn>:*]`,
        reason: 'The framework invokes any version of the issuer function, and only that function.',
      },
    );
  }

  /**
   * Issues a proxy's leaf certificate: a secret and the custom resource that writes it, under
   * `scope` (in any stack deployed after this one). The leaf is issued after the CA, and again
   * whenever the generation changes.
   */
  public issue(scope: Construct, proxy: MeshProxyIdentity): IssuedCertificate {
    // The key as an import: grants on the secret then go to the grantee's policy (below), never
    // into the key's policy, which is in the CA's stack.
    const key = (scope.node.tryFindChild('MeshKey') as kms.IKey | undefined) ?? kms.Key.fromKeyArn(scope, 'MeshKey', this.key.keyArn);
    const secret = this.secret(scope, `${proxy.id}Secret`, `The ${this.props.platformName} mesh certificate of ${proxy.id}`, key);
    Validations.of(secret).acknowledge(SMG4);
    const leaf = new CustomResource(scope, `${proxy.id}Certificate`, {
      serviceToken: this.provider.serviceToken,
      resourceType: 'Custom::MeshCertificate',
      properties: {
        CaSecretArn: this.caSecret.secretArn,
        SecretArn: secret.secretArn,
        CommonName: proxy.commonName,
        DnsNames: proxy.dnsNames,
        ValidityDays: String(this.props.validityDays),
        // The issuer refuses a CA of an earlier generation: the CA's stack was not deployed first.
        Generation: String(this.props.generation),
      },
    });
    // After the CA by dependency, not through the CA's version id: a leaf in a service stack then
    // changes with the generation only, and never waits on an output of the core stack's last deploy.
    leaf.node.addDependency(this.ca);
    const keyArn = this.key.keyArn;
    const region = Stack.of(scope).region;
    return {
      secret,
      versionId: leaf.getAttString('VersionId'),
      grantDecrypt: (grantee) =>
        grantee.grantPrincipal.addToPrincipalPolicy(
          new iam.PolicyStatement({
            actions: ['kms:Decrypt'],
            resources: [keyArn],
            conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${region}.amazonaws.com` } },
          }),
        ),
    };
  }

  private secret(scope: Construct, id: string, description: string, encryptionKey: kms.IKey = this.key): secretsmanager.Secret {
    const secret = new secretsmanager.Secret(scope, id, {
      description,
      encryptionKey,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Tags.of(secret).add(MESH_CERTIFICATE_TAG, this.props.platformName);
    return secret;
  }
}

const SMG4 = {
  id: 'AwsSolutions-SMG4',
  reason: 'Certificates rotate by changing mesh.certificates.generation, which re-issues them and rolls every task: Envoy does not reload file certificates, so a Secrets Manager rotation alone would change nothing.',
};
