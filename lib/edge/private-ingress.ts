import { Duration, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';

/** Properties of a {@link PrivateIngress}. */
export interface PrivateIngressProps {
  /** The platform's name; the VPC link is called `<name>-link`. */
  readonly platformName: string;
  /** The VPC the mesh runs in. */
  readonly vpc: ec2.IVpc;
  /** The private subnets for the load balancer. */
  readonly subnets: ec2.SubnetSelection;
  /** The port the mesh ingress listens on; the load balancer listens on the same port. */
  readonly port: number;
}

/**
 * The private path from API Gateway into the VPC: a VPC link to an internal Network Load Balancer
 * whose target group is the mesh ingress. The target group starts empty; the mesh registers its
 * ingress tasks in it.
 *
 * The load balancer's security group admits nothing from the VPC, and PrivateLink traffic is exempt
 * from its inbound rules: the VPC link is the only way in.
 */
export class PrivateIngress extends Construct {
  /** The internal load balancer. */
  public readonly loadBalancer: elbv2.NetworkLoadBalancer;
  /** The load balancer's security group: allow it on the ingress tasks. */
  public readonly securityGroup: ec2.SecurityGroup;
  /** The target group the mesh ingress registers its tasks in (IP targets on `port`). */
  public readonly targetGroup: elbv2.NetworkTargetGroup;
  /** The VPC link API Gateway integrations use. */
  public readonly vpcLink: apigw.VpcLink;
  /** The port integrations call and the ingress listens on. */
  public readonly port: number;

  constructor(scope: Construct, id: string, props: PrivateIngressProps) {
    super(scope, id);
    this.port = props.port;

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: `${props.platformName} API ingress load balancer: reachable only through the VPC link`,
      allowAllOutbound: false,
    });
    this.loadBalancer = new elbv2.NetworkLoadBalancer(this, 'LoadBalancer', {
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      internetFacing: false,
      crossZoneEnabled: true,
      securityGroups: [this.securityGroup],
      enforceSecurityGroupInboundRulesOnPrivateLinkTraffic: false,
    });

    this.targetGroup = new elbv2.NetworkTargetGroup(this, 'MeshIngress', {
      vpc: props.vpc,
      port: props.port,
      protocol: elbv2.Protocol.TCP,
      targetType: elbv2.TargetType.IP,
      deregistrationDelay: Duration.seconds(30),
      healthCheck: { protocol: elbv2.Protocol.TCP, interval: Duration.seconds(10), healthyThresholdCount: 2 },
    });
    this.loadBalancer.addListener('Listener', {
      port: props.port,
      protocol: elbv2.Protocol.TCP,
      defaultTargetGroups: [this.targetGroup],
    });
    this.securityGroup.addEgressRule(ec2.Peer.ipv4(props.vpc.vpcCidrBlock), ec2.Port.tcp(props.port), 'To the mesh ingress tasks');

    this.vpcLink = new apigw.VpcLink(this, 'VpcLink', {
      vpcLinkName: `${props.platformName}-link`,
      description: `API Gateway to the ${props.platformName} mesh ingress`,
      targets: [this.loadBalancer],
    });

    Validations.of(this.loadBalancer).acknowledge({
      id: 'AwsSolutions-ELB2',
      reason: 'A Network Load Balancer writes access logs only for TLS listeners; this one passes TCP through, and every request is logged by the API Gateway stage access log.',
    });
  }
}
