import * as appmesh from 'aws-cdk-lib/aws-appmesh';
import { Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { mirrorIn, oneStack, partIn } from '../../stacks/placement';
import { addMeshCallRules } from '../mesh-call-rules';
import { MeshCluster } from '../mesh-cluster';
import type { MeshBackend, MeshBackendProps } from '../mesh-backend';
import { AppMeshService } from './app-mesh-service';
import { IngressGateway } from './ingress-gateway';
import { MeshCertificates } from './mesh-certificates';
import { platformNames } from '../../platform-names';

/**
 * The services rendered in AWS App Mesh: a mesh that drops all egress to undeclared destinations,
 * mutual TLS between every pair of proxies with certificates from the mesh's own CA, weighted
 * routes, and a virtual gateway as the ingress.
 *
 * The mesh, the cluster, the CA and the ingress are created here; each service is created in the
 * stack `placement` gives it, under a construct with this one's id.
 *
 * AWS ended support for App Mesh on 2026-09-30: its resources can no longer be created, and
 * CloudFormation Validate warns (W3696) on each of them.
 */
export class AppMeshBackend extends Construct implements MeshBackend {
  /** The backend: App Mesh. */
  public readonly provider = 'app-mesh';
  /** The mesh. */
  public readonly mesh: appmesh.Mesh;
  /** Cluster, namespace and the ingress's security group. */
  public readonly cluster: MeshCluster;
  /** The CA, which issues the proxies' certificates. */
  public readonly certificates: MeshCertificates;
  /** The services by name. */
  public readonly services: ReadonlyMap<string, AppMeshService>;
  /** The ingress. */
  public readonly gateway: IngressGateway;

  constructor(scope: Construct, id: string, props: MeshBackendProps) {
    super(scope, id);
    const { model } = props;
    const placement = props.placement ?? oneStack(Stack.of(this));
    const partOf = (stack: Stack) => mirrorIn(stack, this);

    this.cluster = new MeshCluster(this, 'Cluster', {
      model,
      vpc: props.vpc,
      loadBalancerSecurityGroup: props.loadBalancerSecurityGroup,
    });
    this.mesh = new appmesh.Mesh(this, 'Mesh', {
      meshName: platformNames.mesh(model.platformName),
      egressFilter: appmesh.MeshFilterType.DROP_ALL,
    });
    this.certificates = new MeshCertificates(this, 'Certificates', {
      platformName: model.platformName,
      generation: model.certificates.generation,
      validityDays: model.certificates.validityDays,
    });
    this.gateway = new IngressGateway(this, 'Ingress', {
      mesh: this.mesh,
      model,
      cluster: this.cluster,
      subnets: props.subnets,
      targetGroup: props.targetGroup,
      certificates: this.certificates,
    });

    const services = new Map<string, AppMeshService>();
    for (const service of model.services) {
      services.set(
        service.name,
        new AppMeshService(partOf(placement.stackOf(service.name)), service.name, {
          mesh: this.mesh,
          model,
          service,
          cluster: this.cluster,
          gateway: this.gateway.virtualGateway,
          subnets: props.subnets,
          certificates: this.certificates,
        }),
      );
    }
    this.services = services;

    addMeshCallRules({
      model,
      securityGroups: new Map([...services].map(([name, service]) => [name, service.securityGroup])),
      ingressSecurityGroup: this.cluster.ingressSecurityGroup,
      scopeOf: (from, to) => partIn(partOf(placement.laterOf(from, to)), 'CallRules'),
    });
  }
}
