import { Duration, Validations } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { IssuedCertificate } from './mesh-certificates';

/** The App Mesh Envoy image (AWS's last supported build). */
export const ENVOY_IMAGE = 'public.ecr.aws/appmesh/aws-appmesh-envoy:v1.29.12.1-prod';
/** A minimal image with a shell, to write the certificate files before Envoy starts. */
export const CERTIFICATE_WRITER_IMAGE = 'public.ecr.aws/docker/library/busybox:1.37.0';
/** The user Envoy runs as; the proxy configuration leaves its traffic alone. */
export const ENVOY_UID = 1337;
/** Envoy's admin port: its health check asks it whether the proxy is LIVE. */
export const ENVOY_ADMIN_PORT = 9901;
/** Where Envoy reads its certificates, in a task volume only the proxy containers mount. */
export const CERTIFICATE_FILES = {
  directory: '/certs',
  chain: '/certs/chain.pem',
  privateKey: '/certs/key.pem',
  ca: '/certs/ca.pem',
} as const;

/** Properties of a {@link ProxyTask}. */
export interface ProxyTaskProps {
  /** The task definition family. */
  readonly family: string;
  /** Fargate CPU units. */
  readonly cpu: number;
  /** Memory in MiB. */
  readonly memoryMiB: number;
  /** Where the containers log. */
  readonly logGroup: logs.ILogGroup;
  /** The ARN of the virtual node or virtual gateway this Envoy serves. */
  readonly meshResourceArn: string;
  /** The proxy's certificate. */
  readonly certificate: IssuedCertificate;
  /**
   * The application ports Envoy intercepts, for a sidecar; the task gets App Mesh's proxy
   * configuration.
   * @default - no interception: Envoy is the application (a gateway)
   */
  readonly interceptPorts?: number[];
  /**
   * A port Envoy itself listens on, for a gateway.
   * @default - none
   */
  readonly listenerPort?: number;
}

/**
 * A Fargate task definition with an App Mesh Envoy proxy. A short-lived container writes the
 * proxy's certificate, key and CA from Secrets Manager (pinned to the issued version) into a task
 * volume that only the proxy containers mount; Envoy starts after it has finished. The task role
 * may stream only this proxy's mesh configuration.
 */
export class ProxyTask extends Construct {
  /** The task definition; add the application container to it. */
  public readonly taskDefinition: ecs.FargateTaskDefinition;
  /** The Envoy container: an application container should depend on it being HEALTHY. */
  public readonly envoy: ecs.ContainerDefinition;

  constructor(scope: Construct, id: string, props: ProxyTaskProps) {
    super(scope, id);

    this.taskDefinition = new ecs.FargateTaskDefinition(this, 'TaskDefinition', {
      family: props.family,
      cpu: props.cpu,
      memoryLimitMiB: props.memoryMiB,
      runtimePlatform: { operatingSystemFamily: ecs.OperatingSystemFamily.LINUX, cpuArchitecture: ecs.CpuArchitecture.X86_64 },
      volumes: [{ name: 'certs' }],
      proxyConfiguration: props.interceptPorts
        ? new ecs.AppMeshProxyConfiguration({
            containerName: 'envoy',
            properties: {
              appPorts: props.interceptPorts,
              proxyIngressPort: 15000,
              proxyEgressPort: 15001,
              ignoredUID: ENVOY_UID,
              // The task metadata and credentials endpoints must not go through the proxy.
              egressIgnoredIPs: ['169.254.170.2', '169.254.169.254'],
            },
          })
        : undefined,
    });
    this.taskDefinition.addToTaskRolePolicy(
      new iam.PolicyStatement({ actions: ['appmesh:StreamAggregatedResources'], resources: [props.meshResourceArn] }),
    );

    const logging = (streamPrefix: string) => ecs.LogDrivers.awsLogs({ logGroup: props.logGroup, streamPrefix });
    const { secret, versionId } = props.certificate;
    const writer = this.taskDefinition.addContainer('certificates', {
      image: ecs.ContainerImage.fromRegistry(CERTIFICATE_WRITER_IMAGE),
      essential: false,
      user: '0',
      secrets: {
        TLS_CHAIN: ecs.Secret.fromSecretsManagerVersion(secret, { versionId }, 'certificateChain'),
        TLS_KEY: ecs.Secret.fromSecretsManagerVersion(secret, { versionId }, 'privateKey'),
        TLS_CA: ecs.Secret.fromSecretsManagerVersion(secret, { versionId }, 'ca'),
      },
      entryPoint: ['sh', '-c'],
      command: [
        [
          'umask 077',
          `printf '%s' "$TLS_CHAIN" > ${CERTIFICATE_FILES.chain}`,
          `printf '%s' "$TLS_KEY" > ${CERTIFICATE_FILES.privateKey}`,
          `printf '%s' "$TLS_CA" > ${CERTIFICATE_FILES.ca}`,
          `chown -R ${ENVOY_UID} ${CERTIFICATE_FILES.directory}`,
        ].join(' && '),
      ],
      memoryReservationMiB: 16,
      logging: logging('certificates'),
    });
    writer.addMountPoints({ containerPath: CERTIFICATE_FILES.directory, sourceVolume: 'certs', readOnly: false });

    props.certificate.grantDecrypt(this.taskDefinition.obtainExecutionRole());

    this.envoy = this.taskDefinition.addContainer('envoy', {
      image: ecs.ContainerImage.fromRegistry(ENVOY_IMAGE),
      essential: true,
      user: String(ENVOY_UID),
      environment: { APPMESH_RESOURCE_ARN: props.meshResourceArn },
      portMappings: props.listenerPort ? [{ containerPort: props.listenerPort }] : [],
      healthCheck: {
        command: ['CMD-SHELL', `curl -s http://localhost:${ENVOY_ADMIN_PORT}/server_info | grep state | grep -q LIVE`],
        interval: Duration.seconds(5),
        timeout: Duration.seconds(2),
        retries: 3,
        startPeriod: Duration.seconds(10),
      },
      memoryReservationMiB: 256,
      readonlyRootFilesystem: false,
      logging: logging('envoy'),
    });
    this.envoy.addMountPoints({ containerPath: CERTIFICATE_FILES.directory, sourceVolume: 'certs', readOnly: true });
    this.envoy.addContainerDependencies({ container: writer, condition: ecs.ContainerDependencyCondition.SUCCESS });

    Validations.of(this.taskDefinition).acknowledge({
      id: 'AwsSolutions-ECS2',
      reason: 'The only environment variables are the mesh resource ARN Envoy needs and the app settings from the platform config, which must not hold secrets (the config says so); certificates come from Secrets Manager.',
    });
  }
}
