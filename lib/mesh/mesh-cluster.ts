import { Duration } from 'aws-cdk-lib';
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
 * What every mesh backend runs on: an ECS cluster with Container Insights, a private DNS namespace
 * with a name per service, and the security groups that let each service be reached only by the
 * services that declare they call it (and the ingress, by the API's load balancer only).
 */
export class MeshCluster extends Construct {
  /** The ECS cluster. */
  public readonly cluster: ecs.Cluster;
  /** The private DNS namespace (`<namespace>`). */
  public readonly namespace: servicediscovery.PrivateDnsNamespace;
  /** Each service's Cloud Map service (`<service>.<namespace>`), where all its versions' tasks register. */
  public readonly discovery: ReadonlyMap<string, servicediscovery.Service>;
  /** Each service's security group, shared by its versions. */
  public readonly securityGroups: ReadonlyMap<string, ec2.SecurityGroup>;
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

    // Tasks reach AWS APIs (the mesh control plane, logs, Secrets Manager) and image registries on
    // 443 through the NAT gateways; everything else they may send is declared below.
    const securityGroup = (name: string, description: string) => {
      const group = new ec2.SecurityGroup(this, `${name}SecurityGroup`, { vpc, description, allowAllOutbound: false });
      group.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'AWS APIs and image registries');
      return group;
    };

    this.ingressSecurityGroup = securityGroup('Ingress', `${model.platformName} mesh ingress: from the API load balancer only`);
    this.ingressSecurityGroup.connections.allowFrom(props.loadBalancerSecurityGroup, ec2.Port.tcp(model.ingress.port), 'From the API load balancer');

    const discovery = new Map<string, servicediscovery.Service>();
    const securityGroups = new Map<string, ec2.SecurityGroup>();
    for (const service of model.services) {
      discovery.set(
        service.name,
        this.namespace.createService(service.name, {
          name: service.name,
          description: `All versions of ${service.name}`,
          dnsRecordType: servicediscovery.DnsRecordType.A,
          dnsTtl: Duration.seconds(10),
          // ECS marks a stopping task unhealthy before it goes, so callers stop picking it.
          customHealthCheck: { failureThreshold: 1 },
        }),
      );
      securityGroups.set(service.name, securityGroup(service.name, `${model.platformName} service ${service.name}: from its declared callers only`));
    }
    for (const service of model.services) {
      const target = securityGroups.get(service.name)!;
      const port = ec2.Port.tcp(service.port);
      if (service.ingressPaths.length > 0) target.connections.allowFrom(this.ingressSecurityGroup, port, 'From the mesh ingress');
      for (const caller of service.calledBy) target.connections.allowFrom(securityGroups.get(caller)!, port, `From ${caller}`);
    }
    this.discovery = discovery;
    this.securityGroups = securityGroups;
  }
}
