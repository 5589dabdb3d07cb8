import { Annotations, CfnOutput, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { PlatformConfig } from './config/types';
import { validatePlatformConfig } from './config/validate';
import { CostGuardrails } from './cost/cost-guardrails';
import { Edge } from './edge/edge';
import { AppMeshBackend } from './mesh/app-mesh/app-mesh-backend';
import { resolveServiceModel } from './mesh/service-model';
import { PlatformNetwork } from './network/network';
import { COST_ALLOCATION_TAG } from './platform-names';

export { COST_ALLOCATION_TAG } from './platform-names';

/** Properties of a {@link PlatformStack}. */
export interface PlatformStackProps extends StackProps {
  /** The platform's description. It is validated before anything is created. */
  readonly config: PlatformConfig;
}

/**
 * The whole platform from one config: the network, the edge (API Gateway, authorizers, rate plans,
 * WAF, the private path into the mesh) and the mesh of services behind it.
 */
export class PlatformStack extends Stack {
  /** The config the stack was built from. */
  public readonly config: PlatformConfig;
  /** The VPC. */
  public readonly network: PlatformNetwork;
  /** The front door. */
  public readonly edge: Edge;
  /** The services, in the mesh backend the config names. */
  public readonly mesh: AppMeshBackend;
  /** Budget, spend alarms, dashboard, rate-plan costs and the breaker. */
  public readonly cost: CostGuardrails;

  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    // Fail before creating anything, with every problem of the config at once.
    validatePlatformConfig(props.config);
    super(scope, id, { description: `The ${props.config.name} platform: edge, mesh, cost guardrails and network`, ...props });
    const { config } = props;
    this.config = config;
    Tags.of(this).add(COST_ALLOCATION_TAG, config.name);

    this.network = new PlatformNetwork(this, 'Network', config.network);
    this.edge = new Edge(this, 'Edge', {
      platformName: config.name,
      api: config.api,
      vpc: this.network.vpc,
      privateSubnets: this.network.privateSubnets,
      ingressPort: config.mesh.ingress?.port ?? 8080,
    });
    this.mesh = new AppMeshBackend(this, 'Mesh', {
      model: resolveServiceModel(config.name, config.mesh, config.api.routes),
      vpc: this.network.vpc,
      subnets: this.network.privateSubnets,
      targetGroup: this.edge.ingress.targetGroup,
      loadBalancerSecurityGroup: this.edge.ingress.securityGroup,
    });
    this.cost = new CostGuardrails(this, 'Cost', {
      platformName: config.name,
      tagKey: COST_ALLOCATION_TAG,
      cost: config.cost,
      edge: this.edge,
      ratePlans: config.api.ratePlans ?? {},
    });
    for (const warning of this.cost.ratePlanCosts.warnings) {
      Annotations.of(this).addWarningV2('@platform/cost:rate-plan-can-exhaust-budget', warning);
    }

    new CfnOutput(this, 'ApiUrl', { value: this.edge.stage.urlForPath('/'), description: 'The API stage URL' });
    if (this.edge.cognito) {
      new CfnOutput(this, 'MachineClientId', {
        value: this.edge.cognito.machineClient.userPoolClientId,
        description: 'The client-credentials app client (its secret stays in Cognito)',
      });
      if (this.edge.cognito.domain) {
        new CfnOutput(this, 'TokenEndpoint', {
          value: `${this.edge.cognito.domain.baseUrl()}/oauth2/token`,
          description: 'Where machine clients get access tokens',
        });
      }
    }
  }
}
