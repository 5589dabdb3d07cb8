import { Annotations, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, type IConstruct } from 'constructs';
import { MESH_SERVICE_DEFAULTS, type MeshCluster, meshSecurityGroup } from '../mesh-cluster';
import type { ResolvedService, ServiceModel } from '../service-model';
import { isRolloutProblem, serviceConnectRollout, type ServiceRollout, sizingVersion } from './rollout';

/** The name of the app's port mapping, which Service Connect advertises. */
export const SERVICE_CONNECT_PORT_NAME = 'http';

/**
 * How long an idle connection between Service Connect proxies stays open: ECS's default for HTTP
 * (5 minutes), or the request timeout when that is longer, so that a slow request is not cut short.
 */
const DEFAULT_IDLE_TIMEOUT_SECONDS = 300;

/** The Service Connect agent's logs and its JSON access log (no query strings: they may hold tokens). */
export function serviceConnectLogging(logGroup: logs.ILogGroup): Pick<ecs.ServiceConnectProps, 'logDriver' | 'accessLogConfiguration'> {
  return {
    logDriver: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: 'service-connect' }),
    accessLogConfiguration: { format: ecs.ServiceConnectAccessLogFormat.JSON, includeQueryParameters: false },
  };
}

/** Properties of a {@link ServiceConnectService}. */
export interface ServiceConnectServiceProps {
  /** The resolved model of all services. */
  readonly model: ServiceModel;
  /** The service to render. */
  readonly service: ResolvedService;
  /** The cluster and the namespace. */
  readonly cluster: MeshCluster;
  /** The private subnets tasks run in. */
  readonly subnets: ec2.SubnetSelection;
  /** How Service Connect gets the service's TLS certificates. */
  readonly tls: ecs.ServiceConnectTlsConfiguration;
}

/**
 * A service on ECS Service Connect: one Fargate service that advertises the app's port at
 * `<service>.<namespace>` (the name callers already use) with TLS from the Private CA, the request
 * timeout of the model, and a security group shared with nothing.
 *
 * An ECS service runs one version. The newest version is the one deployed (its image, size and
 * environment); when its weight is below 100 the deployment is a canary or linear one that gives it
 * that share of the traffic at each step ({@link serviceConnectRollout}), with bake time and the
 * deployment circuit breaker rolling back a deployment whose tasks fail. The task count and
 * autoscaling are the busiest version's ({@link sizingVersion}): the new one ends with all traffic. What the model asks and Service Connect does not do is a synth warning.
 */
export class ServiceConnectService extends Construct {
  /** The ECS service. */
  public readonly ecsService: ecs.FargateService;
  /** The task definition of the version deployed. */
  public readonly taskDefinition: ecs.FargateTaskDefinition;
  /** The app's and the Service Connect agent's logs. */
  public readonly logGroup: logs.LogGroup;
  /** The security group of the service's tasks. */
  public readonly securityGroup: ec2.SecurityGroup;
  /** What the deployment does with the versions. */
  public readonly rollout: ServiceRollout;

  constructor(scope: Construct, id: string, props: ServiceConnectServiceProps) {
    super(scope, id);
    const { model, service, cluster } = props;
    const rollout = serviceConnectRollout(service.versions, model.serviceConnect.rollout.strategy);
    // validatePlatformConfig reports these with the field's path; this guards a model built without it.
    if (isRolloutProblem(rollout)) throw new Error(`mesh.services.${service.name}.${rollout.field} ${rollout.message}`);
    this.rollout = rollout;
    const version = service.versions.find((v) => v.name === rollout.run)!;
    const sizing = sizingVersion(service.versions);

    this.logGroup = new logs.LogGroup(this, 'Logs', { retention: model.logRetentionDays, removalPolicy: RemovalPolicy.DESTROY });
    this.securityGroup = meshSecurityGroup(this, 'SecurityGroup', cluster.cluster.vpc, `${model.platformName} service ${service.name}: from its declared callers only`);

    this.taskDefinition = new ecs.FargateTaskDefinition(this, 'TaskDefinition', {
      family: `${model.platformName}-${service.name}`,
      cpu: version.cpu,
      memoryLimitMiB: version.memoryMiB,
      runtimePlatform: { operatingSystemFamily: ecs.OperatingSystemFamily.LINUX, cpuArchitecture: ecs.CpuArchitecture.X86_64 },
    });
    this.taskDefinition.addContainer('app', {
      image: ecs.ContainerImage.fromRegistry(version.image),
      essential: true,
      portMappings: [{ name: SERVICE_CONNECT_PORT_NAME, containerPort: service.port, appProtocol: ecs.AppProtocol.http }],
      environment: version.environment,
      // The version deployed, for the logs. The services it calls: a task learns the aliases that
      // exist when it starts, so a new call must start new tasks.
      dockerLabels: { 'platform.version': version.name, ...(service.calls.length > 0 && { 'platform.calls': service.calls.join(',') }) },
      logging: ecs.LogDrivers.awsLogs({ logGroup: this.logGroup, streamPrefix: 'app' }),
    });
    Validations.of(this.taskDefinition).acknowledge({
      id: 'AwsSolutions-ECS2',
      reason: 'The environment variables are the app settings from the platform config, which must not hold secrets (the config says so).',
    });

    const requestTimeoutSeconds = Math.ceil(service.timeoutMs / 1000);
    const stepBakeTime = Duration.minutes(model.serviceConnect.rollout.stepBakeMinutes);
    const shift = rollout.kind === 'shift' ? { stepPercent: rollout.percent, stepBakeTime } : undefined;
    const linear = model.serviceConnect.rollout.strategy === 'linear';
    this.ecsService = new ecs.FargateService(this, 'Service', {
      cluster: cluster.cluster,
      taskDefinition: this.taskDefinition,
      desiredCount: sizing.desiredCount,
      ...MESH_SERVICE_DEFAULTS,
      vpcSubnets: props.subnets,
      securityGroups: [this.securityGroup],
      deploymentStrategy: shift ? (linear ? ecs.DeploymentStrategy.LINEAR : ecs.DeploymentStrategy.CANARY) : ecs.DeploymentStrategy.ROLLING,
      canaryConfiguration: shift && !linear ? shift : undefined,
      linearConfiguration: shift && linear ? shift : undefined,
      bakeTime: shift ? Duration.minutes(model.serviceConnect.rollout.bakeMinutes) : undefined,
      serviceConnectConfiguration: {
        namespace: cluster.namespace.namespaceArn,
        services: [
          {
            portMappingName: SERVICE_CONNECT_PORT_NAME,
            discoveryName: service.name,
            dnsName: service.dnsName,
            port: service.port,
            perRequestTimeout: Duration.seconds(requestTimeoutSeconds),
            idleTimeout: Duration.seconds(Math.max(DEFAULT_IDLE_TIMEOUT_SECONDS, requestTimeoutSeconds)),
            tls: props.tls,
          },
        ],
        ...serviceConnectLogging(this.logGroup),
      },
    });
    if (sizing.autoscaling) {
      this.ecsService
        .autoScaleTaskCount({ minCapacity: sizing.autoscaling.minCapacity, maxCapacity: sizing.autoscaling.maxCapacity })
        .scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: sizing.autoscaling.targetCpuPercent });
    }

    const unhonoured = notHonoured(service, requestTimeoutSeconds, rollout, sizing.name);
    if (unhonoured.length > 0) {
      Annotations.of(this).addWarningV2(
        '@platform/mesh:service-connect-not-honoured',
        `${service.name}: Service Connect does not honour ${unhonoured.join('; ')}`,
      );
    }
  }

  /** Makes the ECS service (not its scaling) deploy after `other`'s: the service needs it when its tasks start. */
  public startAfter(other: IConstruct): void {
    this.ecsService.node.defaultChild!.node.addDependency(other);
  }
}

/** What the model asks of a service that Service Connect does not do, each with what it does instead. */
function notHonoured(service: ResolvedService, requestTimeoutSeconds: number, rollout: ServiceRollout, sizedBy: string): string[] {
  const { declared } = service;
  const found: string[] = [];
  if (declared.retries) {
    found.push(
      `retries (${service.retries.attempts} attempts, ${service.retries.perTryTimeoutMs} ms per try): its proxy retries with its own fixed policy`,
    );
  }
  if (declared.circuitBreaker) {
    const cb = service.circuitBreaker;
    found.push(
      `circuitBreaker (${cb.maxServerErrors} errors in ${cb.intervalSeconds} s, ${cb.ejectSeconds} s out, at most ${cb.maxEjectionPercent} %): ` +
        'its proxy ejects failing tasks by its own fixed outlier detection',
    );
  }
  if (declared.timeoutMs !== undefined && declared.timeoutMs % 1000 !== 0) {
    found.push(`timeoutMs ${declared.timeoutMs}: its timeout is in whole seconds, so requests may take up to ${requestTimeoutSeconds} s`);
  }
  if (declared.healthCheckPath !== undefined) {
    found.push(`healthCheckPath ${declared.healthCheckPath}: its proxy does not check the app's health over HTTP; ECS replaces tasks that stop`);
  }
  if (rollout.kind === 'shift') {
    const size = sizedBy === rollout.run ? '' : `, with ${sizedBy}'s task count and autoscaling`;
    found.push(`a steady split: ${rollout.run} takes ${rollout.percent} % of the traffic from ${rollout.from} at each step of its deployment, then all of it${size}`);
  } else if (rollout.retired) {
    found.push(`version ${rollout.retired} (weight 0): only ${rollout.run} runs`);
  }
  return found;
}
