import { Annotations, CfnOutput, CfnResource, type Environment, Stack, Tags } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { MeshProvider, PlatformConfig } from './config/types';
import { validatePlatformConfig } from './config/validate';
import { CostGuardrails } from './cost/cost-guardrails';
import { ApiStage } from './edge/api-stage';
import { Edge } from './edge/edge';
import { AppMeshBackend } from './mesh/app-mesh/app-mesh-backend';
import type { MeshBackend, MeshBackendProps } from './mesh/mesh-backend';
import { ServiceConnectBackend } from './mesh/service-connect/service-connect-backend';
import { resolveServiceModel, type ServiceModel } from './mesh/service-model';
import { PlatformNetwork } from './network/network';
import { COST_ALLOCATION_TAG, platformNames } from './platform-names';
import { oneStack, type ServicePlacement } from './stacks/placement';
import { CORE, planServiceStacks, STACK_LIMITS, type ServiceStackPlan } from './stacks/service-stacks';

export { COST_ALLOCATION_TAG } from './platform-names';

/** `config` rendered by the mesh backend `provider` (what `-c mesh=<provider>` asks); `config` itself without one. */
export function withMeshProvider(config: PlatformConfig, provider: MeshProvider | undefined): PlatformConfig {
  return provider === undefined ? config : { ...config, mesh: { ...config.mesh, provider } };
}

/** Properties of a {@link Platform}. */
export interface PlatformProps {
  /** The platform's description. It is validated before anything is created. */
  readonly config: PlatformConfig;
  /**
   * The account and region of every stack.
   * @default - environment-agnostic stacks
   */
  readonly env?: Environment;
}

/**
 * The whole platform from one config, in as few stacks as it needs: the network, the edge (API
 * Gateway, authorizers, rate plans, WAF, the private path into the mesh), the mesh of services and
 * the cost guardrails.
 *
 * A platform that fits in one stack ({@link STACK_LIMITS}) is one stack, `<name>-platform`. A larger
 * one, or one with `serviceStacks` set, is:
 *
 * 1. `<name>-platform`, the core: network, REST API and authorizers, mesh, CA and ingress;
 * 2. `<name>-services-01` …: each service's resources (tasks, mesh resources, certificates,
 *    security-group rules) and its API routes, the stack chosen by a consistent hash of its name;
 * 3. `<name>-api`: the API's deployment and stage, rate plans, WAF and cost guardrails, which must
 *    follow every route.
 *
 * Each stack refers only to stacks before it, so `cdk deploy --all` deploys them in that order.
 */
export class Platform {
  /** The config the platform was built from. */
  public readonly config: PlatformConfig;
  /** The services, with every default applied. */
  public readonly model: ServiceModel;
  /** The core stack, `<name>-platform`: the only stack when the platform fits in one. */
  public readonly coreStack: Stack;
  /** The service stacks by number (from 0); none when the platform is one stack. */
  public readonly serviceStacks: ReadonlyMap<number, Stack>;
  /** The stack of the API's stage, rate plans and cost guardrails: `<name>-api`, or the core stack. */
  public readonly apiStack: Stack;
  /** Every stack, in deploy order. */
  public readonly stacks: readonly Stack[];
  /** The stack of each service. */
  public readonly placement: ServicePlacement;
  /** How many service stacks the services are spread over; 0 when the platform is one stack. */
  public readonly serviceStackCount: number;
  /** The VPC. */
  public readonly network: PlatformNetwork;
  /** The front door. */
  public readonly edge: Edge;
  /** The API's deployment, stage, rate plans and WAF. */
  public readonly apiStage: ApiStage;
  /** The services, in the mesh backend the config names (`mesh.provider`). */
  public readonly mesh: MeshBackend;
  /** Budget, spend alarms, dashboard, rate-plan costs and the breaker. */
  public readonly cost: CostGuardrails;

  constructor(scope: Construct, props: PlatformProps) {
    // Fail before creating anything, with every problem of the config at once.
    validatePlatformConfig(props.config);
    const { config } = props;
    this.config = config;
    this.model = resolveServiceModel(config.name, config.mesh, config.api.routes);

    let built: BuiltPlatform | undefined;
    if (config.serviceStacks === 0 || config.serviceStacks === undefined) {
      // One stack while it fits: estimated first, then counted, as the core's size depends on the config.
      const estimate = planServiceStacks(this.model, config.api.routes, 0).resources.get(CORE) ?? 0;
      if (config.serviceStacks === 0 || estimate <= STACK_LIMITS.resources) {
        built = buildPlatform(scope, props, this.model, undefined);
        if (config.serviceStacks === undefined && resourcesIn(built.coreStack) > STACK_LIMITS.resources - 1) {
          scope.node.tryRemoveChild(built.coreStack.node.id);
          built = undefined;
        }
      }
    }
    built ??= buildPlatform(scope, props, this.model, planServiceStacks(this.model, config.api.routes, config.serviceStacks || undefined));
    this.coreStack = built.coreStack;
    this.serviceStacks = built.serviceStacks;
    this.apiStack = built.apiStack;
    this.stacks = built.stacks;
    this.placement = built.placement;
    this.serviceStackCount = built.serviceStackCount;
    this.network = built.network;
    this.edge = built.edge;
    this.apiStage = built.apiStage;
    this.mesh = built.mesh;
    this.cost = built.cost;

    if (config.serviceStacks === undefined && this.serviceStackCount > 0) {
      Annotations.of(this.coreStack).addWarningV2(
        '@platform/stacks:automatic-service-stacks',
        `serviceStacks is automatic: the ${this.model.services.length} services are spread over ${this.serviceStackCount} service stack${this.serviceStackCount === 1 ? '' : 's'}. ` +
          `Set serviceStacks: ${this.serviceStackCount} in the config so that the count does not grow with the platform, which moves services between stacks`,
      );
    }
  }
}

/** What {@link buildPlatform} makes: the fields of a {@link Platform} but its config and model. */
type BuiltPlatform = Omit<Platform, 'config' | 'model'>;

/** Builds the platform's stacks: one stack without a plan, else core, service stacks and API stack. */
function buildPlatform(scope: Construct, props: PlatformProps, model: ServiceModel, plan: ServiceStackPlan | undefined): BuiltPlatform {
  const { config, env } = props;
  const name = config.name;
  const newStack = (stackName: string, description: string) => {
    const stack = new Stack(scope, stackName, { stackName, env, description });
    Tags.of(stack).add(COST_ALLOCATION_TAG, name);
    stack.node.addValidation({ validate: () => stackLimitProblems(stack, config.serviceStacks, plan?.count ?? 0) });
    return stack;
  };

  const coreStack = newStack(
    platformNames.stack(name),
    plan ? `The ${name} platform's core: network, REST API and authorizers, mesh, CA and ingress` : `The ${name} platform: edge, mesh, cost guardrails and network`,
  );
  const serviceStacks = new Map<number, Stack>();
  for (const stackNumber of [...new Set(plan?.stackOf.values() ?? [])].sort((a, b) => a - b)) {
    const services = [...plan!.stackOf].filter(([, n]) => n === stackNumber).map(([service]) => service);
    serviceStacks.set(stackNumber, newStack(platformNames.servicesStack(name, stackNumber), `The ${name} platform's services ${services.join(', ')}`));
  }
  const apiStack = plan ? newStack(platformNames.apiStack(name), `The ${name} platform's API stage, rate plans, WAF and cost guardrails`) : coreStack;

  const placement: ServicePlacement = plan
    ? {
        stackOf: (service) => serviceStacks.get(plan.stackOf.get(service)!)!,
        laterOf: (a, b) => {
          const later = Math.max(a === undefined ? CORE : plan.stackOf.get(a)!, b === undefined ? CORE : plan.stackOf.get(b)!);
          return later === CORE ? coreStack : serviceStacks.get(later)!;
        },
      }
    : oneStack(coreStack);

  const network = new PlatformNetwork(coreStack, 'Network', config.network);
  const edge = new Edge(coreStack, 'Edge', {
    platformName: name,
    api: config.api,
    vpc: network.vpc,
    privateSubnets: network.privateSubnets,
    ingressPort: model.ingress.port,
    placement,
  });
  const meshProps: MeshBackendProps = {
    model,
    vpc: network.vpc,
    subnets: network.privateSubnets,
    targetGroup: edge.ingress.targetGroup,
    loadBalancerSecurityGroup: edge.ingress.securityGroup,
    placement,
  };
  const mesh: MeshBackend =
    model.provider === 'service-connect'
      ? new ServiceConnectBackend(coreStack, 'Mesh', { ...meshProps, ingressStack: apiStack })
      : new AppMeshBackend(coreStack, 'Mesh', meshProps);

  const apiStage = new ApiStage(apiStack, 'Api', {
    platformName: name,
    api: config.api,
    restApi: edge.restApi,
    methods: edge.routes.methods,
  });
  const cost = new CostGuardrails(apiStack, 'Cost', {
    platformName: name,
    tagKey: COST_ALLOCATION_TAG,
    cost: config.cost,
    edge,
    stage: apiStage.stage,
    ratePlans: config.api.ratePlans ?? {},
  });
  for (const warning of cost.ratePlanCosts.warnings) {
    Annotations.of(apiStack).addWarningV2('@platform/cost:rate-plan-can-exhaust-budget', warning);
  }

  new CfnOutput(apiStack, 'ApiUrl', { value: apiStage.stage.urlForPath('/'), description: 'The API stage URL' });
  if (edge.cognito) {
    new CfnOutput(coreStack, 'MachineClientId', {
      value: edge.cognito.machineClient.userPoolClientId,
      description: 'The client-credentials app client (its secret stays in Cognito)',
    });
    if (edge.cognito.domain) {
      new CfnOutput(coreStack, 'TokenEndpoint', {
        value: `${edge.cognito.domain.baseUrl()}/oauth2/token`,
        description: 'Where machine clients get access tokens',
      });
    }
  }

  const stacks = [coreStack, ...[...serviceStacks].sort(([a], [b]) => a - b).map(([, stack]) => stack), ...(plan ? [apiStack] : [])];
  return { coreStack, serviceStacks, apiStack, stacks, placement, serviceStackCount: plan?.count ?? 0, network, edge, apiStage, mesh, cost };
}

/** The CloudFormation resources a stack holds so far. */
export function resourcesIn(stack: Stack): number {
  return stack.node.findAll().filter((c) => CfnResource.isCfnResource(c) && Stack.of(c) === stack).length;
}

/** A stack over the platform's resource limit, with what to do about it. */
function stackLimitProblems(stack: Stack, configured: number | undefined, count: number): string[] {
  const resources = resourcesIn(stack);
  if (resources <= STACK_LIMITS.resources) return [];
  const remedy =
    count === 0
      ? 'leave serviceStacks out (the platform is then split into stacks) or set it to 1 or more'
      : `raise serviceStacks (${configured === undefined ? `automatic, now ${count}` : `now ${count}`}); raising it moves only the services that land in the new stacks`;
  return [`${stack.stackName} holds ${resources} resources, over the platform's limit of ${STACK_LIMITS.resources} per stack (CloudFormation allows 500): ${remedy}`];
}
