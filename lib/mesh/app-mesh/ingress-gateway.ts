import * as appmesh from 'aws-cdk-lib/aws-appmesh';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { RemovalPolicy } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { MESH_SERVICE_DEFAULTS, type MeshCluster } from '../mesh-cluster';
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
  /** Cluster and security groups. */
  readonly cluster: MeshCluster;
  /** The private subnets tasks run in. */
  readonly subnets: ec2.SubnetSelection;
  /** The target group of the API's load balancer, which the gateway's tasks join. */
  readonly targetGroup: elbv2.INetworkTargetGroup;
  /** The proxies' certificates. */
  readonly certificates: MeshCertificates;
}

/** How a gateway route matches an ingress path. */
export function gatewayRoutePathMatch(match: IngressPathMatch): appmesh.HttpGatewayRoutePathMatch {
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

/**
 * The mesh ingress: a virtual gateway (Envoy on Fargate) in the API load balancer's target group. It
 * speaks mutual TLS to every service it routes to; each service adds the gateway routes of the
 * paths the API sends to it.
 */
export class IngressGateway extends Construct {
  /** The virtual gateway. */
  public readonly virtualGateway: appmesh.VirtualGateway;
  /** The gateway's ECS service. */
  public readonly ecsService: ecs.FargateService;
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

    const proxy = new ProxyTask(this, 'Task', {
      family: `${model.platformName}-${INGRESS_PROXY_ID}`,
      cpu: 512,
      memoryMiB: 1024,
      logGroup: this.logGroup,
      meshResourceArn: this.virtualGateway.virtualGatewayArn,
      // The common name is the short proxy id (X.509 allows 64 characters); peers check the DNS name.
      certificate: props.certificates.issue(this, { id: INGRESS_PROXY_ID, commonName: INGRESS_PROXY_ID, dnsNames: [model.ingress.dnsName] }),
      listenerPort: model.ingress.port,
    });
    this.ecsService = new ecs.FargateService(this, 'Service', {
      cluster: props.cluster.cluster,
      taskDefinition: proxy.taskDefinition,
      desiredCount: model.ingress.desiredCount,
      ...MESH_SERVICE_DEFAULTS,
      vpcSubnets: props.subnets,
      securityGroups: [props.cluster.ingressSecurityGroup],
    });
    props.targetGroup.addTarget(this.ecsService.loadBalancerTarget({ containerName: 'envoy', containerPort: model.ingress.port }));
  }
}
