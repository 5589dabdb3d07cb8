import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import { Construct } from 'constructs';
import type { ServiceModel } from './service-model';

/** Properties of a {@link MeshCluster}. */
export interface MeshClusterProps {
  /** The resolved services. */
  readonly model: ServiceModel;
  /** The VPC. */
  readonly vpc: ec2.IVpc;
  /** The security group of the API's load balancer, the only source the ingress admits. */
  readonly loadBalancerSecurityGroup: ec2.ISecurityGroup;
}

/**
 * A security group for mesh tasks: nothing in, and out only 443 (AWS APIs: the mesh control plane,
 * logs, Secrets Manager; and image registries, through the NAT gateways). Whatever else a task may
 * send is declared by {@link MeshCallRules}.
 */
export function meshSecurityGroup(scope: Construct, id: string, vpc: ec2.IVpc, description: string): ec2.SecurityGroup {
  const group = new ec2.SecurityGroup(scope, id, { vpc, description, allowAllOutbound: false });
  group.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'AWS APIs and image registries');
  return group;
}

/**
 * What every ECS service of the mesh has: no public IP, the deployment circuit breaker rolling back a
 * deployment whose tasks fail, and new tasks started before old ones stop.
 */
export const MESH_SERVICE_DEFAULTS = {
  assignPublicIp: false,
  circuitBreaker: { enable: true, rollback: true },
  minHealthyPercent: 100,
  maxHealthyPercent: 200,
} as const satisfies Partial<ecs.FargateServiceProps>;

/**
 * What every mesh backend runs on: an ECS cluster with Container Insights, the private DNS namespace
 * the services are named in, and the ingress's security group, which admits only the API's load
 * balancer. Each service brings its own Cloud Map name and security group.
 */
export class MeshCluster extends Construct {
  /** The ECS cluster. */
  public readonly cluster: ecs.Cluster;
  /** The private DNS namespace (`<namespace>`). */
  public readonly namespace: servicediscovery.PrivateDnsNamespace;
  /** The ingress gateway's security group. */
  public readonly ingressSecurityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: MeshClusterProps) {
    super(scope, id);
    const { model, vpc } = props;

    this.cluster = new ecs.Cluster(this, 'Cluster', {
      vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });
    this.namespace = new servicediscovery.PrivateDnsNamespace(this, 'Namespace', {
      name: model.namespace,
      vpc,
      description: `Service discovery of the ${model.platformName} platform`,
    });

    this.ingressSecurityGroup = meshSecurityGroup(this, 'IngressSecurityGroup', vpc, `${model.platformName} mesh ingress: from the API load balancer only`);
    this.ingressSecurityGroup.connections.allowFrom(props.loadBalancerSecurityGroup, ec2.Port.tcp(model.ingress.port), 'From the API load balancer');
  }
}
