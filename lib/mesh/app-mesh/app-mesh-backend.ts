import * as appmesh from 'aws-cdk-lib/aws-appmesh';
import { Construct } from 'constructs';
import { MeshCluster } from '../mesh-cluster';
import type { MeshBackendProps } from '../mesh-backend';
import { AppMeshService, versionProxyId } from './app-mesh-service';
import { IngressGateway, INGRESS_PROXY_ID } from './ingress-gateway';
import { MeshCertificates } from './mesh-certificates';
import { platformNames } from '../../platform-names';

/**
 * The services rendered in AWS App Mesh: a mesh that drops all egress to undeclared destinations,
 * mutual TLS between every pair of proxies with certificates from the mesh's own CA, weighted
 * routes, and a virtual gateway as the ingress.
 *
 * AWS ended support for App Mesh on 2026-09-30: its resources can no longer be created, and
 * CloudFormation Validate warns (W3696) on each of them.
 */
export class AppMeshBackend extends Construct {
  /** The mesh. */
  public readonly mesh: appmesh.Mesh;
  /** Cluster, discovery and security groups. */
  public readonly cluster: MeshCluster;
  /** The CA and the proxies' certificates. */
  public readonly certificates: MeshCertificates;
  /** The services by name. */
  public readonly services: ReadonlyMap<string, AppMeshService>;
  /** The ingress. */
  public readonly gateway: IngressGateway;

  constructor(scope: Construct, id: string, props: MeshBackendProps) {
    super(scope, id);
    const { model } = props;

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
      proxies: [
        // The common name is the short proxy id (X.509 allows 64 characters); peers check the DNS names.
        { id: INGRESS_PROXY_ID, commonName: INGRESS_PROXY_ID, dnsNames: [model.ingress.dnsName] },
        ...model.services.flatMap((service) =>
          service.versions.map((version) => {
            const proxyId = versionProxyId(service.name, version.name);
            return { id: proxyId, commonName: proxyId, dnsNames: [service.dnsName, `${version.name}.${service.dnsName}`] };
          }),
        ),
      ],
    });

    const services = new Map<string, AppMeshService>();
    for (const service of model.services) {
      services.set(
        service.name,
        new AppMeshService(this, service.name, {
          mesh: this.mesh,
          model,
          service,
          cluster: this.cluster,
          subnets: props.subnets,
          certificates: this.certificates,
        }),
      );
    }
    this.services = services;

    this.gateway = new IngressGateway(this, 'Ingress', {
      mesh: this.mesh,
      model,
      virtualServices: new Map([...services].map(([name, service]) => [name, service.virtualService])),
      cluster: this.cluster,
      subnets: props.subnets,
      targetGroup: props.targetGroup,
      certificates: this.certificates,
    });
  }
}
