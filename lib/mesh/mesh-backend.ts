import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { IConstruct } from 'constructs';
import type { MeshProvider } from '../config/types';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type { ServicePlacement } from '../stacks/placement';
import type { MeshCluster } from './mesh-cluster';
import type { ServiceModel } from './service-model';

/** What every mesh backend is given: the services, and where the API's traffic comes in. */
export interface MeshBackendProps {
  /** The resolved services. */
  readonly model: ServiceModel;
  /** The VPC. */
  readonly vpc: ec2.IVpc;
  /** The private subnets tasks run in. */
  readonly subnets: ec2.SubnetSelection;
  /** The API load balancer's target group: the ingress registers its tasks here. */
  readonly targetGroup: elbv2.INetworkTargetGroup;
  /** The API load balancer's security group: the only source the ingress admits. */
  readonly loadBalancerSecurityGroup: ec2.ISecurityGroup;
  /**
   * The stack of each service's resources.
   * @default - every service in the backend's own stack
   */
  readonly placement?: ServicePlacement;
}

/** What every mesh backend gives the rest of the platform. */
export interface MeshBackend extends IConstruct {
  /** The backend. */
  readonly provider: MeshProvider;
  /** The cluster, the namespace and the ingress's security group. */
  readonly cluster: MeshCluster;
}
