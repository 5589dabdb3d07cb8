import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, type IConstruct } from 'constructs';
import { MESH_SERVICE_DEFAULTS, type MeshCluster } from '../mesh-cluster';
import type { ServiceModel } from '../service-model';
import { ingressProxyConfig } from './ingress-proxy-config';
import { serviceConnectLogging } from './service-connect-service';

/** nginx, stable line, from Docker's official images on ECR Public. */
export const INGRESS_PROXY_IMAGE = 'public.ecr.aws/docker/library/nginx:1.28.0-alpine';

/** The environment variable the ingress proxy's container reads its nginx configuration from. */
export const INGRESS_CONFIG_VARIABLE = 'INGRESS_NGINX_CONF';

/** Properties of an {@link IngressProxy}. */
export interface IngressProxyProps {
  /** The resolved services. */
  readonly model: ServiceModel;
  /** Cluster, namespace and the ingress's security group. */
  readonly cluster: MeshCluster;
  /** The private subnets tasks run in. */
  readonly subnets: ec2.SubnetSelection;
  /** The target group of the API's load balancer, which the proxy's tasks join. */
  readonly targetGroup: elbv2.INetworkTargetGroup;
}

/**
 * The mesh ingress without App Mesh: nginx on Fargate in the API load balancer's target group, on the
 * ingress port the API's routes already use, and a Service Connect client. It sends each path the
 * API routes to a service to that service's alias ({@link ingressProxyConfig}), so its own Service
 * Connect proxy carries the request: over TLS, and to the canary in the share a deployment gives it.
 *
 * Service Connect gives a task the aliases that exist when it starts, so the proxy must start after
 * every service it routes to: it is created in the stack deployed last, and depends on their ECS
 * services ({@link IngressProxy.startAfter}).
 */
export class IngressProxy extends Construct {
  /** The proxy's ECS service. */
  public readonly ecsService: ecs.FargateService;
  /** The proxy's task definition. */
  public readonly taskDefinition: ecs.FargateTaskDefinition;
  /** The proxy's and its Service Connect agent's logs. */
  public readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: IngressProxyProps) {
    super(scope, id);
    const { model } = props;
    this.logGroup = new logs.LogGroup(this, 'Logs', { retention: model.logRetentionDays, removalPolicy: RemovalPolicy.DESTROY });

    this.taskDefinition = new ecs.FargateTaskDefinition(this, 'TaskDefinition', {
      family: `${model.platformName}-ingress`,
      cpu: 512,
      memoryLimitMiB: 1024,
      runtimePlatform: { operatingSystemFamily: ecs.OperatingSystemFamily.LINUX, cpuArchitecture: ecs.CpuArchitecture.X86_64 },
    });
    this.taskDefinition.addContainer('nginx', {
      image: ecs.ContainerImage.fromRegistry(INGRESS_PROXY_IMAGE),
      essential: true,
      portMappings: [{ containerPort: model.ingress.port, name: 'ingress' }],
      environment: { [INGRESS_CONFIG_VARIABLE]: ingressProxyConfig(model) },
      // The image's own entry point would render templates; the configuration is written as it is.
      entryPoint: ['sh', '-c'],
      command: [`printf '%s' "$${INGRESS_CONFIG_VARIABLE}" > /etc/nginx/conf.d/default.conf && exec nginx -g 'daemon off;'`],
      logging: ecs.LogDrivers.awsLogs({ logGroup: this.logGroup, streamPrefix: 'nginx' }),
    });
    Validations.of(this.taskDefinition).acknowledge({
      id: 'AwsSolutions-ECS2',
      reason: 'The one environment variable is the nginx configuration generated from the API routes: paths and service names, no secret.',
    });

    this.ecsService = new ecs.FargateService(this, 'Service', {
      cluster: props.cluster.cluster,
      taskDefinition: this.taskDefinition,
      desiredCount: model.ingress.desiredCount,
      ...MESH_SERVICE_DEFAULTS,
      vpcSubnets: props.subnets,
      securityGroups: [props.cluster.ingressSecurityGroup],
      // A client only: it advertises nothing, and reaches every service by its alias.
      serviceConnectConfiguration: {
        namespace: props.cluster.namespace.namespaceArn,
        ...serviceConnectLogging(this.logGroup),
      },
    });
    props.targetGroup.addTarget(this.ecsService.loadBalancerTarget({ containerName: 'nginx', containerPort: model.ingress.port }));
  }

  /** Makes the proxy's deployments wait for a service's: it must start with that service's alias. */
  public startAfter(service: IConstruct): void {
    this.ecsService.node.defaultChild!.node.addDependency(service);
  }
}
