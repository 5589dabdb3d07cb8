/**
 * The platform's one typed description. Everything the stacks contain is derived from it;
 * `validatePlatformConfig` checks it before any construct is created, and every error names
 * the field path (for example `api.ratePlans.free.throttle.burstLimit`) and the rule.
 */

/** Token-bucket limits, as API Gateway applies them. */
export interface ThrottleConfig {
  /**
   * Steady-state requests per second. An integer from 0 to 10,000 (the regional account default).
   */
  readonly rateLimit: number;
  /**
   * Bucket size: requests allowed in a burst. An integer from `rateLimit` to 5,000 (the regional
   * account default).
   */
  readonly burstLimit: number;
}

/** The period a usage-plan quota counts over. */
export type QuotaPeriod = 'DAY' | 'WEEK' | 'MONTH';

/** How many requests an API key may make per period. */
export interface QuotaConfig {
  /** Requests allowed per period: a positive integer. */
  readonly limit: number;
  /** The period the limit counts over. */
  readonly period: QuotaPeriod;
}

/**
 * A rate plan: one API Gateway usage plan on the platform's stage.
 */
export interface RatePlanConfig {
  /** The plan's token bucket for each API key on it. */
  readonly throttle: ThrottleConfig;
  /**
   * The plan's quota per API key.
   * @default - no quota
   */
  readonly quota?: QuotaConfig;
  /**
   * Per-method token buckets that replace the plan's throttle for one route and method, keyed
   * `'<METHOD> <path>'` exactly as the route declares them, for example `'POST /orders'`.
   * @default - every method uses the plan's throttle
   */
  readonly methods?: Record<string, ThrottleConfig>;
  /**
   * Names of API keys to create on this plan (one per partner or client). API Gateway generates
   * each key's value; it never appears in a template or output. Keys can also be created later and
   * attached with the operations CLI.
   * @default - no keys are created
   */
  readonly apiKeys?: string[];
}

/** An HTTP method a route can declare. `ANY` matches every method. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS' | 'ANY';

/**
 * How a route authenticates callers.
 * - `'none'`: public.
 * - `'jwt'`: any valid token from the JWT issuer.
 * - `'cognito'`: a Cognito access token carrying any of the API's scopes (`api.auth.cognito.scopes`).
 * - `{ jwtScopes }`: a JWT token carrying every listed scope.
 * - `{ cognitoScopes }`: a Cognito access token carrying at least one listed scope (API Gateway's
 *   rule for Cognito authorizers); scope names are those of `api.auth.cognito.scopes`.
 */
export type RouteAuth =
  | 'none'
  | 'jwt'
  | 'cognito'
  | { readonly jwtScopes: string[] }
  | { readonly cognitoScopes: string[] };

/** One path of the API, forwarded privately to a service in the mesh. */
export interface RouteConfig {
  /**
   * The resource path, starting with `/`. Segments may be literal, `{param}`, or a final `{name+}`
   * greedy segment.
   */
  readonly path: string;
  /** The methods this route serves. */
  readonly methods: HttpMethod[];
  /** The name of the service (a key of `mesh.services`) that handles the route. */
  readonly service: string;
  /** How callers authenticate. */
  readonly auth: RouteAuth;
  /**
   * Whether callers must send an API key (`x-api-key`), which ties them to a rate plan.
   * @default false
   */
  readonly apiKey?: boolean;
}

/** Cognito: the OAuth 2.0 authorization server for partners and machine clients. */
export interface CognitoConfig {
  /**
   * An existing user pool to use instead of creating one.
   * @default - a user pool is created
   */
  readonly userPoolId?: string;
  /**
   * The hosted domain prefix (`<prefix>.auth.<region>.amazoncognito.com`), where clients get
   * tokens with the client-credentials flow. Lowercase letters, digits and hyphens.
   * @default - no domain is created (only allowed with `userPoolId`, whose pool has one)
   */
  readonly domainPrefix?: string;
  /**
   * The resource server's identifier: the prefix of every scope in an access token
   * (`<identifier>/<scope>`).
   * @default - `https://<platform name>.api`
   */
  readonly resourceServerId?: string;
  /** The OAuth scopes the resource server declares, for example `orders.read`. */
  readonly scopes: string[];
  /**
   * Lifetime of access tokens issued to the machine client, in minutes (5 to 1,440).
   * @default 60
   */
  readonly accessTokenValidityMinutes?: number;
}

/** A Lambda authorizer for JWTs from any OIDC issuer. */
export interface JwtAuthConfig {
  /** The issuer (`iss` claim), an https URL. */
  readonly issuer: string;
  /** Accepted audiences (`aud` claim); a token must carry one of them. */
  readonly audience: string[];
  /**
   * Where the issuer publishes its signing keys, an https URL.
   * @default - `<issuer>/.well-known/jwks.json`
   */
  readonly jwksUri?: string;
  /**
   * How long API Gateway caches a token's policy, in seconds (0 to 3,600). The policy covers every
   * route behind the authorizer, so caching is correct across routes.
   * @default 300
   */
  readonly cacheTtlSeconds?: number;
}

/** The authorizers the API offers; routes choose among them. */
export interface AuthConfig {
  /**
   * Cognito user pool authorizer.
   * @default - no Cognito authorizer; routes cannot use `'cognito'` auth
   */
  readonly cognito?: CognitoConfig;
  /**
   * Lambda JWT authorizer.
   * @default - no JWT authorizer; routes cannot use `'jwt'` auth
   */
  readonly jwt?: JwtAuthConfig;
}

/** The API Gateway REST API: the platform's front door. */
export interface ApiConfig {
  /**
   * The stage name: letters, digits, hyphens and underscores.
   * @default 'prod'
   */
  readonly stageName?: string;
  /** The stage-wide default token bucket, applied to every method. */
  readonly throttle: ThrottleConfig;
  /** Authorizers. */
  readonly auth?: AuthConfig;
  /** The API's routes. At least one. */
  readonly routes: RouteConfig[];
  /**
   * Usage plans by name (letters, digits, hyphens, underscores).
   * @default - no usage plans
   */
  readonly ratePlans?: Record<string, RatePlanConfig>;
  /**
   * Days to keep the stage's access logs.
   * @default 90
   */
  readonly accessLogRetentionDays?: number;
  /**
   * A regional AWS WAF web ACL in front of the stage: AWS managed common and known-bad-input rule
   * sets, and a per-IP rate rule.
   * @default - enabled, with 2,000 requests per IP per 5 minutes
   */
  readonly waf?: WafConfig;
  /**
   * Whether this stack sets the region-wide API Gateway CloudWatch role that access and execution
   * logging need. Set false where the account already has one.
   * @default true
   */
  readonly manageAccountLogRole?: boolean;
}

/** The web ACL in front of the stage. */
export interface WafConfig {
  /**
   * Whether to create and attach the web ACL.
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Requests one client IP may make in any 5-minute window before it is blocked (10 to
   * 2,000,000,000).
   * @default 2000
   */
  readonly ratePerIpPer5Minutes?: number;
}

/** Autoscaling of one version's tasks on CPU. */
export interface AutoscalingConfig {
  /**
   * The fewest tasks.
   * @default - the version's `desiredCount`
   */
  readonly minCapacity?: number;
  /** The most tasks, at least `minCapacity`. */
  readonly maxCapacity: number;
  /**
   * The average CPU utilization to hold, in percent (10 to 90).
   * @default 60
   */
  readonly targetCpuPercent?: number;
}

/** One deployable version of a service: its image and its share of the traffic. */
export interface ServiceVersionConfig {
  /** The container image by registry reference, for example `public.ecr.aws/acme/orders:1.4`. */
  readonly image: string;
  /**
   * The version's share of the service's traffic: an integer from 0 to 100; a service's weights sum
   * to 100. On Service Connect a service has at most two versions: the newest (last in natural
   * order, `v2` before `v10`) is deployed, and its weight is the share it takes at each step.
   */
  readonly weight: number;
  /**
   * Tasks to run.
   * @default 2
   */
  readonly desiredCount?: number;
  /**
   * Fargate CPU units for the task (the app and its proxy): 256, 512, 1024, 2048 or 4096.
   * @default 512
   */
  readonly cpu?: number;
  /**
   * Task memory in MiB, a size Fargate allows for `cpu`.
   * @default 1024
   */
  readonly memoryMiB?: number;
  /**
   * Environment variables of the app container. Never secrets: they are visible in the template.
   * @default - none
   */
  readonly environment?: Record<string, string>;
  /**
   * CPU-based autoscaling.
   * @default - a fixed `desiredCount`
   */
  readonly autoscaling?: AutoscalingConfig;
}

/** How a service's callers retry a failed request. */
export interface RetryConfig {
  /**
   * Retries after the first try (0 to 10), on server errors, gateway errors and connection resets.
   * @default 3
   */
  readonly attempts?: number;
  /**
   * Time limit of each try, in milliseconds.
   * @default 2000
   */
  readonly perTryTimeoutMs?: number;
}

/** Outlier detection: a host that keeps failing is taken out of the pool for a while. */
export interface CircuitBreakerConfig {
  /**
   * Server errors (5xx) within `intervalSeconds` that eject a host.
   * @default 5
   */
  readonly maxServerErrors?: number;
  /**
   * The window errors are counted in, in seconds.
   * @default 10
   */
  readonly intervalSeconds?: number;
  /**
   * How long an ejected host stays out (the first time; longer after repeated ejections), in seconds.
   * @default 30
   */
  readonly ejectSeconds?: number;
  /**
   * The largest share of a version's hosts that can be out at once, in percent.
   * @default 50
   */
  readonly maxEjectionPercent?: number;
}

/**
 * A service of the platform, in terms of no particular mesh: the mesh backend renders it.
 */
export interface ServiceConfig {
  /** The port the service's application listens on (HTTP). */
  readonly port: number;
  /** The versions by name (lowercase letters, digits and hyphens, for example `v1`). At least one. */
  readonly versions: Record<string, ServiceVersionConfig>;
  /**
   * The services this one calls. It can reach no other.
   * @default - none
   */
  readonly calls?: string[];
  /**
   * The path the mesh checks the service's health on.
   * @default '/health'
   */
  readonly healthCheckPath?: string;
  /**
   * Retries of failed requests to this service.
   * @default - 3 retries, 2,000 ms per try
   */
  readonly retries?: RetryConfig;
  /**
   * The limit of a whole request to this service, retries included, in milliseconds.
   * @default 15000
   */
  readonly timeoutMs?: number;
  /**
   * Outlier detection for this service's hosts.
   * @default - the defaults of `CircuitBreakerConfig`
   */
  readonly circuitBreaker?: CircuitBreakerConfig;
}

/** The mesh ingress: the gateway the API's load balancer forwards to. */
export interface IngressConfig {
  /**
   * The port the gateway listens on.
   * @default 8080
   */
  readonly port?: number;
  /**
   * Gateway tasks.
   * @default 2
   */
  readonly desiredCount?: number;
}

/** The mesh's certificates (mutual TLS between every pair of proxies). */
export interface MeshCertificatesConfig {
  /**
   * Change this number to issue new certificates (the CA and every leaf) and roll every task.
   * @default 1
   */
  readonly generation?: number;
  /**
   * How long leaf certificates are valid, in days (1 to 825). The CA is valid for ten years.
   * @default 365
   */
  readonly validityDays?: number;
}

/**
 * Which mesh renders the services: `'app-mesh'`, AWS App Mesh (Envoy sidecars, mutual TLS, steady
 * weighted routes; AWS ended it on 2026-09-30, so it can no longer be deployed), or
 * `'service-connect'`, Amazon ECS Service Connect (TLS from AWS Private CA, canary or linear
 * deployments; deployable today).
 */
export type MeshProvider = 'app-mesh' | 'service-connect';

/** How ECS moves traffic to a new version, on the Service Connect backend. */
export type RolloutStrategy = 'canary' | 'linear';

/**
 * How a service's newest version takes over from the one before it, on the Service Connect backend:
 * its weight is the share of traffic it gets at each step of an ECS deployment.
 */
export interface RolloutConfig {
  /**
   * `'canary'`: the new version gets its weight in percent for `stepBakeMinutes`, then all traffic.
   * `'linear'`: it gets its weight more every `stepBakeMinutes` until it has all (weight 3 or more).
   * @default 'canary'
   */
  readonly strategy?: RolloutStrategy;
  /**
   * Minutes each step holds before the next (0 to 1440).
   * @default 10
   */
  readonly stepBakeMinutes?: number;
  /**
   * Minutes the old version's tasks are kept after the new one has all traffic, so that a rollback
   * needs no new tasks (0 to 1440; with `stepBakeMinutes`, at most 1980 for a canary: CloudFormation's 33 hours).
   * @default 10
   */
  readonly bakeMinutes?: number;
}

/** Settings of the Service Connect backend; the App Mesh backend ignores them. */
export interface ServiceConnectConfig {
  /**
   * The ARN of an AWS Private CA (`arn:aws:acm-pca:<region>:<account>:certificate-authority/<id>`)
   * that issues the services' TLS certificates.
   * @default - a root CA in short-lived certificate mode is created with the platform (about 50 USD a month)
   */
  readonly certificateAuthorityArn?: string;
  /**
   * How a version with a weight below 100 is rolled out.
   * @default - canary, 10-minute steps, 10 minutes of bake time
   */
  readonly rollout?: RolloutConfig;
}

/** The service mesh behind the API. */
export interface MeshConfig {
  /**
   * The mesh backend.
   * @default 'app-mesh'
   */
  readonly provider?: MeshProvider;
  /**
   * Settings of the Service Connect backend (`provider: 'service-connect'`); the App Mesh backend
   * ignores them, so one config can be synthesized with either.
   * @default - a short-lived Private CA, canary rollouts
   */
  readonly serviceConnect?: ServiceConnectConfig;
  /**
   * The private DNS namespace services are found in (`<service>.<namespace>`).
   * @default - `<platform name>.local`
   */
  readonly namespace?: string;
  /**
   * The ingress gateway.
   * @default - port 8080, 2 tasks
   */
  readonly ingress?: IngressConfig;
  /**
   * Certificates for mutual TLS.
   * @default - generation 1, leaves valid 365 days
   */
  readonly certificates?: MeshCertificatesConfig;
  /**
   * Days to keep the containers' logs.
   * @default 90
   */
  readonly logRetentionDays?: number;
  /** Services by name (lowercase letters, digits and hyphens). */
  readonly services: Record<string, ServiceConfig>;
}

/**
 * An existing VPC to run in, described in full so that synth needs no lookup in an AWS account.
 * It must give the private subnets a way to AWS APIs and image registries (NAT or endpoints).
 */
export interface ExistingVpcConfig {
  /** The VPC's id, `vpc-…`. */
  readonly vpcId: string;
  /** The VPC's IPv4 range. */
  readonly cidr: string;
  /** Two Availability Zones, for example `['eu-west-1a', 'eu-west-1b']`. */
  readonly availabilityZones: string[];
  /** One private subnet per Availability Zone, in the same order, `subnet-…`. */
  readonly privateSubnetIds: string[];
}

/** The network the platform runs in. */
export interface NetworkConfig {
  /**
   * Run in an existing VPC instead of creating one; `cidr`, `natGateways` and
   * `flowLogRetentionDays` then do not apply (flow logs are the VPC owner's).
   * @default - a new VPC
   */
  readonly existingVpc?: ExistingVpcConfig;
  /**
   * The VPC's IPv4 range, /16 to /18 (it holds two /20 private and two /24 public subnets).
   * @default '10.0.0.0/16'
   */
  readonly cidr?: string;
  /**
   * NAT gateways for outbound traffic from private subnets (one per AZ is highly available).
   * @default 1
   */
  readonly natGateways?: number;
  /**
   * Days to keep VPC flow logs.
   * @default 90
   */
  readonly flowLogRetentionDays?: number;
}

/** Unit prices the spend estimate multiplies usage by, in US dollars. */
export interface UnitPricesConfig {
  /**
   * API Gateway REST calls, per million (the first 333 million a month).
   * @default 3.5
   */
  readonly restApiCallsPerMillion?: number;
  /**
   * Lambda requests, per million.
   * @default 0.2
   */
  readonly lambdaRequestsPerMillion?: number;
  /**
   * Lambda compute, per GB-second (arm64).
   * @default 0.0000133334
   */
  readonly lambdaGbSecond?: number;
}

/** The near-real-time spend alarms, from CloudWatch metrics (AWS Budgets refreshes only a few times a day). */
export interface SpendAlarmConfig {
  /**
   * How many times the even hourly share of the budget (budget / 730) an hour may cost before the
   * alarm fires.
   * @default 3
   */
  readonly burstFactor?: number;
  /**
   * Consecutive hours over the limit before the alarm fires (1 to 24).
   * @default 2
   */
  readonly evaluationHours?: number;
}

/** The spend circuit breaker: throttles the stage when spend runs away. */
export interface BreakerConfig {
  /** The stage throttle the breaker sets: at most every rate plan's and the stage's own limits. */
  readonly floor: ThrottleConfig;
  /**
   * A budget notification trips the breaker when its threshold is at least this percentage of the
   * budget and it reports ACTUAL spend (spend alarms always trip it).
   * @default 100
   */
  readonly tripOnBudgetPercent?: number;
}

/** Cost guardrails. */
export interface CostConfig {
  /** The monthly budget in US dollars: positive. */
  readonly monthlyBudgetUsd: number;
  /**
   * Who gets the budget's and the alarms' notifications by e-mail.
   * @default - nobody by e-mail; `alertTopicArn` is then required
   */
  readonly alertEmails?: string[];
  /**
   * An existing SNS topic that also receives every notification (for chat or paging).
   * @default - none; `alertEmails` is then required
   */
  readonly alertTopicArn?: string;
  /**
   * Percentages of the budget at which ACTUAL spend notifies, each in (0, 1000].
   * @default [50, 80, 100]
   */
  readonly actualThresholdsPercent?: number[];
  /**
   * The percentage of the budget at which FORECASTED spend notifies, in (0, 1000].
   * @default 100
   */
  readonly forecastThresholdPercent?: number;
  /**
   * Unit prices for the spend estimate.
   * @default - the list prices of `UnitPricesConfig`
   */
  readonly prices?: UnitPricesConfig;
  /**
   * The spend alarms.
   * @default - burst factor 3 for 2 hours
   */
  readonly spendAlarm?: SpendAlarmConfig;
  /**
   * The report warns when this few API keys on one rate plan, each using its whole quota, could
   * spend the monthly budget.
   * @default 10
   */
  readonly warnWhenKeysCanExhaustBudget?: number;
  /**
   * The spend circuit breaker.
   * @default - no breaker
   */
  readonly breaker?: BreakerConfig;
}

/** The whole platform. */
export interface PlatformConfig {
  /**
   * The platform's name: lowercase letters, digits and hyphens, starting with a letter, at most
   * 20 characters. It prefixes resource names and is the value of the `platform` cost tag.
   */
  readonly name: string;
  /**
   * The network.
   * @default - a new VPC with the defaults of `NetworkConfig`
   */
  readonly network?: NetworkConfig;
  /** The front door. */
  readonly api: ApiConfig;
  /** The services behind it. */
  readonly mesh: MeshConfig;
  /** Budgets, spend alarms and the breaker. */
  readonly cost: CostConfig;
  /**
   * How many service stacks the services are spread over, from 0 to 99. 0 keeps the whole platform
   * in one stack. From 1, the platform is a core stack (network, edge, mesh control plane), that many
   * service stacks (`<name>-services-NN`: each service's tasks, mesh resources, certificates and API
   * routes) and an API stack (the stage, rate plans, WAF and cost guardrails). A service's stack is a
   * jump consistent hash of its name over this count: adding or removing a service never moves
   * another, and raising the count moves only the services that land in the new stacks.
   * @default - automatic: 0 while the platform fits in one stack (450 resources), else the fewest
   * service stacks that keep every stack within the limits. An automatic count grows with the
   * platform and then moves services, so set it once a sharded platform is deployed.
   */
  readonly serviceStacks?: number;
}
