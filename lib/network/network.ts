import { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { NetworkConfig } from '../config/types';

/** Properties of a {@link PlatformNetwork}. */
export interface PlatformNetworkProps extends NetworkConfig {}

/**
 * The platform's VPC. A new one spans two AZs, with private subnets for everything the platform
 * runs, public subnets only for the NAT gateways (no instance gets a public IP), and flow logs of all
 * traffic. An existing one is imported from its description in props, with no lookup.
 */
export class PlatformNetwork extends Construct {
  /** The VPC. */
  public readonly vpc: ec2.IVpc;
  /** The subnets the platform's load balancers and tasks run in. */
  public readonly privateSubnets: ec2.SubnetSelection;
  /**
   * Where the VPC's flow logs go.
   * @default - none for an existing VPC
   */
  public readonly flowLogGroup?: logs.LogGroup;

  constructor(scope: Construct, id: string, props: PlatformNetworkProps = {}) {
    super(scope, id);

    if (props.existingVpc) {
      this.vpc = ec2.Vpc.fromVpcAttributes(this, 'Vpc', {
        vpcId: props.existingVpc.vpcId,
        vpcCidrBlock: props.existingVpc.cidr,
        availabilityZones: props.existingVpc.availabilityZones,
        privateSubnetIds: props.existingVpc.privateSubnetIds,
      });
      this.privateSubnets = { subnets: this.vpc.privateSubnets };
      return;
    }

    const natGateways = props.natGateways ?? 1;
    const privateType = natGateways > 0 ? ec2.SubnetType.PRIVATE_WITH_EGRESS : ec2.SubnetType.PRIVATE_ISOLATED;
    const vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(props.cidr ?? '10.0.0.0/16'),
      maxAzs: 2,
      natGateways,
      subnetConfiguration: [
        ...(natGateways > 0
          ? [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: false }]
          : []),
        { name: 'private', subnetType: privateType, cidrMask: 20 },
      ],
    });
    this.vpc = vpc;
    this.privateSubnets = { subnetType: privateType };

    this.flowLogGroup = new logs.LogGroup(this, 'FlowLogs', {
      retention: props.flowLogRetentionDays ?? logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(this.flowLogGroup),
      trafficType: ec2.FlowLogTrafficType.ALL,
    });
  }
}

