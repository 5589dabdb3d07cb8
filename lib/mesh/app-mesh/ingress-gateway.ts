import * as appmesh from 'aws-cdk-lib/aws-appmesh';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { RemovalPolicy } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { MeshCluster } from '../mesh-cluster';
import type { IngressPathMatch, ServiceModel } from '../service-model';
import type { MeshCertificates } from './mesh-certificates';
import { mutualTls } from './mutual-tls';
import { ProxyTask } from './proxy-task';

/** The proxy id of the ingress gateway. */
export const INGRESS_PROXY_ID = 'ingress';

/** Properties of an {@link IngressGateway}. */
export interface IngressGatewayProps {
  /** The mesh. */
  readonly mesh: appmesh.IMesh;
  /** The resolved services. */
  readonly model: ServiceModel;
  /** The virtual services by service name. */
  readonly virtualServices: ReadonlyMap<string, appmesh.IVirtualService>;
  /** Cluster and security groups. */
  readonly cluster: MeshCluster;
  /** The private subnets tasks run in. */
  readonly subnets: ec2.SubnetSelection;
  /** The target group of the API's load balancer, which the gateway's tasks join. */
  readonly targetGroup: elbv2.INetworkTargetGroup;
  /** The proxies' certificates. */
  readonly certificates: MeshCertificates;
}

function pathMatch(match: IngressPathMatch): appmesh.HttpGatewayRoutePathMatch {
  switch (match.kind) {
    case 'exact':
      return appmesh.HttpGatewayRoutePathMatch.exactly(match.path);
    case 'regex':
      return appmesh.HttpGatewayRoutePathMatch.regex(match.regex);
    case 'prefix':
      // '' keeps the request's path; App Mesh would otherwise rewrite the prefix to '/'.
      return appmesh.HttpGatewayRoutePathMatch.startsWith(match.prefix, '');
  }
}

/** How specific a match is, so that App Mesh tries `/orders/{id}` before a `/` prefix. */
function specificity(match: IngressPathMatch): number {
  switch (match.kind) {
    case 'exact':
      return 3000 + match.path.length;
    case 'regex':
      return 2000 + match.regex.length;
    case 'prefix':
      return 1000 + match.prefix.length;
  }
}

/**
 * The mesh ingress: a virtual gateway (Envoy on Fargate) in the API load balancer's target group,
 * with a gateway route for each path the API sends to a service. It speaks mutual TLS to every
 * service it routes to.
 */
export class IngressGateway extends Construct {
  /** The virtual gateway. */
  public readonly virtualGateway: appmesh.VirtualGateway;
  /** The gateway's ECS service. */
  public readonly ecsService: ecs.FargateService;
  /** The gateway routes, most specific first. */
  public readonly gatewayRoutes: appmesh.GatewayRoute[];
  /** The gateway's logs. */
  public readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: IngressGatewayProps) {
    super(scope, id);
    const { model } = props;
    this.logGroup = new logs.LogGroup(this, 'Logs', { retention: model.logRetentionDays, removalPolicy: RemovalPolicy.DESTROY });
    const routed = model.services.filter((service) => service.ingressPaths.length > 0);

    this.virtualGateway = new appmesh.VirtualGateway(this, 'VirtualGateway', {
      mesh: props.mesh,
      virtualGatewayName: INGRESS_PROXY_ID,
      listeners: [
        // The API load balancer checks the gateway's health (TCP on this port).
        appmesh.VirtualGatewayListener.http({ port: model.ingress.port }),
      ],
      backendDefaults: { tlsClientPolicy: mutualTls.clientPolicy(routed.map((service) => service.dnsName)) },
      accessLog: appmesh.AccessLog.fromFilePath('/dev/stdout'),
    });

    const matches = routed
      .flatMap((service) => service.ingressPaths.map((match) => ({ service, match })))
      .sort((a, b) => specificity(b.match) - specificity(a.match));
    this.gatewayRoutes = matches.map(({ service, match }, index) =>
      this.virtualGateway.addGatewayRoute(`Route${index}`, {
        gatewayRouteName: `${service.name}-${index}`,
        routeSpec: appmesh.GatewayRouteSpec.http({
          routeTarget: props.virtualServices.get(service.name)!,
          match: { path: pathMatch(match) },
          priority: index,
        }),
      }),
    );

    const proxy = new ProxyTask(this, 'Task', {
      family: `${model.platformName}-${INGRESS_PROXY_ID}`,
      cpu: 512,
      memoryMiB: 1024,
      logGroup: this.logGroup,
      meshResourceArn: this.virtualGateway.virtualGatewayArn,
      certificate: props.certificates.certificate(INGRESS_PROXY_ID),
      listenerPort: model.ingress.port,
    });
    this.ecsService = new ecs.FargateService(this, 'Service', {
      cluster: props.cluster.cluster,
      taskDefinition: proxy.taskDefinition,
      desiredCount: model.ingress.desiredCount,
      assignPublicIp: false,
      vpcSubnets: props.subnets,
      securityGroups: [props.cluster.ingressSecurityGroup],
      circuitBreaker: { enable: true, rollback: true },
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
    });
    props.targetGroup.addTarget(this.ecsService.loadBalancerTarget({ containerName: 'envoy', containerPort: model.ingress.port }));
  }
}
