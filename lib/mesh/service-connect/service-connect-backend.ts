import { Annotations, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { mirrorIn, oneStack, partIn, type ServicePlacement } from '../../stacks/placement';
import type { MeshBackend, MeshBackendProps } from '../mesh-backend';
import { addMeshCallRules } from '../mesh-call-rules';
import { MeshCluster } from '../mesh-cluster';
import type { ServiceModel } from '../service-model';
import { IngressProxy } from './ingress-proxy';
import { ServiceConnectService } from './service-connect-service';
import { ServiceConnectTls } from './service-connect-tls';

/** Properties of a {@link ServiceConnectBackend}. */
export interface ServiceConnectBackendProps extends MeshBackendProps {
  /**
   * The stack deployed after every service's, where the ingress proxy goes: it must start after the
   * services it routes to.
   * @default - the backend's own stack
   */
  readonly ingressStack?: Stack;
}

/**
 * The services rendered on Amazon ECS Service Connect: each service one Fargate service that
 * advertises `<service>.<namespace>` with TLS from AWS Private CA, its newest version rolled out by
 * a canary or linear ECS deployment, security groups that admit only declared callers, and an nginx
 * ingress proxy behind the API's load balancer in place of App Mesh's virtual gateway.
 *
 * The cluster, namespace and TLS are created here; each service in the stack `placement` gives it,
 * under a construct with this one's id; the ingress in `ingressStack`.
 */
export class ServiceConnectBackend extends Construct implements MeshBackend {
  /** The backend: Service Connect. */
  public readonly provider = 'service-connect';
  /** Cluster, namespace and the ingress's security group. */
  public readonly cluster: MeshCluster;
  /** The Private CA, the key and the role Service Connect issues certificates with. */
  public readonly tls: ServiceConnectTls;
  /** The services by name. */
  public readonly services: ReadonlyMap<string, ServiceConnectService>;
  /** The ingress. */
  public readonly ingress: IngressProxy;

  constructor(scope: Construct, id: string, props: ServiceConnectBackendProps) {
    super(scope, id);
    const { model } = props;
    const placement = props.placement ?? oneStack(Stack.of(this));
    const partOf = (stack: Stack) => mirrorIn(stack, this);

    this.cluster = new MeshCluster(this, 'Cluster', {
      model,
      vpc: props.vpc,
      loadBalancerSecurityGroup: props.loadBalancerSecurityGroup,
    });
    this.tls = new ServiceConnectTls(this, 'Tls', {
      platformName: model.platformName,
      clusterName: this.cluster.cluster.clusterName,
      certificateAuthorityArn: model.serviceConnect.certificateAuthorityArn,
    });

    const services = new Map<string, ServiceConnectService>();
    for (const service of model.services) {
      services.set(
        service.name,
        new ServiceConnectService(partOf(placement.stackOf(service.name)), service.name, {
          model,
          service,
          cluster: this.cluster,
          subnets: props.subnets,
          tls: this.tls.configuration,
        }),
      );
    }
    for (const service of services.values()) {
      // ECS issues the first certificates when it creates the service: the role's policy must be in place.
      service.startAfter(this.tls.role);
    }
    const unordered = orderCallers(model, services, placement);
    if (unordered.length > 0) {
      Annotations.of(this).addWarningV2(
        '@platform/mesh:service-connect-call-order',
        `Service Connect gives a task only the aliases that exist when it starts, and these callers cannot be ordered after the ` +
          `services they call (the calls form a cycle, or the callee is in a later stack): ${unordered.join(', ')}. ` +
          'After the first deploy of a callee, force a new deployment of its callers',
      );
    }
    this.services = services;

    this.ingress = new IngressProxy(props.ingressStack ? partOf(props.ingressStack) : this, 'Ingress', {
      model,
      cluster: this.cluster,
      subnets: props.subnets,
      targetGroup: props.targetGroup,
    });
    for (const service of model.services.filter((s) => s.ingressPaths.length > 0)) {
      this.ingress.startAfter(services.get(service.name)!.ecsService.node.defaultChild!);
    }

    addMeshCallRules({
      model,
      securityGroups: new Map([...services].map(([name, service]) => [name, service.securityGroup])),
      ingressSecurityGroup: this.cluster.ingressSecurityGroup,
      scopeOf: (from, to) => partIn(partOf(placement.laterOf(from, to)), 'CallRules'),
    });
  }
}

/**
 * Makes each caller's ECS service deploy after those of the services it calls, since Service Connect
 * gives a task only the aliases that exist when it starts; except where that would be a cycle: calls
 * that form a cycle, and a callee in a later stack (whose stack already refers to the caller's).
 * Returns those calls, as `caller -> callee`.
 */
function orderCallers(model: ServiceModel, services: ReadonlyMap<string, ServiceConnectService>, placement: ServicePlacement): string[] {
  const calls = new Map(model.services.map((service) => [service.name, service.calls]));
  const reaches = (from: string, to: string): boolean => {
    const seen = new Set<string>();
    const stack = [from];
    while (stack.length > 0) {
      const name = stack.pop()!;
      if (name === to) return true;
      if (seen.has(name)) continue;
      seen.add(name);
      stack.push(...(calls.get(name) ?? []));
    }
    return false;
  };
  const unordered: string[] = [];
  for (const service of model.services) {
    for (const callee of service.calls) {
      const calleeLater = placement.laterOf(service.name, callee) !== placement.stackOf(service.name);
      if (calleeLater || reaches(callee, service.name)) {
        unordered.push(`${service.name} -> ${callee}`);
      } else {
        services.get(service.name)!.startAfter(services.get(callee)!.ecsService.node.defaultChild!);
      }
    }
  }
  return unordered;
}
