import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { Construct } from 'constructs';
import type { ServiceModel } from './service-model';

/** Properties of {@link addMeshCallRules}. */
export interface MeshCallRulesProps {
  /** The resolved services. */
  readonly model: ServiceModel;
  /** Each service's security group. */
  readonly securityGroups: ReadonlyMap<string, ec2.ISecurityGroup>;
  /** The ingress gateway's security group. */
  readonly ingressSecurityGroup: ec2.ISecurityGroup;
  /**
   * Where the rules between two services go: the later of their stacks in deploy order, so that a
   * stack refers only to earlier ones. `undefined` stands for the ingress, which is in the core stack.
   */
  readonly scopeOf: (from: string | undefined, to: string) => Construct;
}

/**
 * The security-group rules of the mesh's calls: each service's port admits its declared callers and,
 * when the API routes to it, the ingress; each caller may send to exactly the services it calls.
 * Each pair of rules (ingress on the callee, the matching egress on the caller) is created where
 * `scopeOf` says, so two services in different stacks may call each other without a cycle.
 */
export function addMeshCallRules(props: MeshCallRulesProps): void {
  const { model, securityGroups } = props;
  for (const service of model.services) {
    const target = securityGroups.get(service.name)!;
    if (service.ingressPaths.length > 0) {
      allow(props.scopeOf(undefined, service.name), `ingress-${service.name}`, props.ingressSecurityGroup, target, service.port, 'the mesh ingress', service.name);
    }
    for (const caller of service.calledBy) {
      allow(props.scopeOf(caller, service.name), `${caller}-${service.name}`, securityGroups.get(caller)!, target, service.port, caller, service.name);
    }
  }
}

function allow(scope: Construct, id: string, from: ec2.ISecurityGroup, to: ec2.ISecurityGroup, port: number, fromName: string, toName: string): void {
  new ec2.CfnSecurityGroupIngress(scope, `${id}-in`, {
    groupId: to.securityGroupId,
    sourceSecurityGroupId: from.securityGroupId,
    ipProtocol: 'tcp',
    fromPort: port,
    toPort: port,
    description: `From ${fromName}`,
  });
  new ec2.CfnSecurityGroupEgress(scope, `${id}-out`, {
    groupId: from.securityGroupId,
    destinationSecurityGroupId: to.securityGroupId,
    ipProtocol: 'tcp',
    fromPort: port,
    toPort: port,
    description: `To ${toName}`,
  });
}
