import { Token } from 'aws-cdk-lib';
import { BASE_FUNCTION_ENVIRONMENT, environmentBytes, LAMBDA_ENVIRONMENT_LIMIT_BYTES } from '../common/function-environment';
import { describeAuth, jwtAuthorizerEnvironment, routeMethods } from './routes';
import { DEFAULT_ROLLOUT, isRolloutProblem, serviceConnectRollout } from '../mesh/service-connect/rollout';
import type {
  ApiConfig,
  HttpMethod,
  MeshProvider,
  RolloutStrategy,
  PlatformConfig,
  QuotaPeriod,
  RouteAuth,
  RouteConfig,
  UnitPricesConfig,
} from './types';

/** One thing wrong with a platform config: where (`api.routes[1].service`) and which rule it breaks. */
export interface ConfigProblem {
  /** The field's path: dots, `[i]` for array items, `['key']` for record keys that are not identifiers. */
  readonly path: string;
  /** The rule the field breaks, with the offending value. */
  readonly rule: string;
}

/** Thrown by {@link validatePlatformConfig}, with every problem the config has. */
export class PlatformConfigError extends Error {
  /** Every problem, in the order the validator found them. */
  public readonly problems: ConfigProblem[];

  constructor(platformName: string | undefined, problems: readonly ConfigProblem[]) {
    const what = platformName === undefined ? 'Invalid platform config' : `Invalid platform config '${platformName}'`;
    const count = `${problems.length} problem${problems.length === 1 ? '' : 's'}`;
    super([`${what}: ${count}`, ...problems.map((p) => `  - ${p.path}: ${p.rule}`)].join('\n'));
    this.name = 'PlatformConfigError';
    this.problems = [...problems];
  }
}

/**
 * Checks a platform config against the rules its JSDoc states, before any construct is created.
 *
 * Every problem is collected and thrown at once as a {@link PlatformConfigError}. The walk order is
 * fixed: `name`, `network`, `api` (stage name, throttle, auth, rate plans, routes, access logs, WAF),
 * `mesh` (provider, namespace, Service Connect settings, ingress, certificates, log retention, then
 * each service: its port, its versions one by one, their weights together and, on Service Connect,
 * their rollout; calls, health check, timeout, retries, circuit breaker), `cost` (budget, alert recipients, thresholds, unit prices, spend alarm, key
 * warning, breaker: its floor against the throttles `api` read). Numbers that are unresolved CDK
 * tokens (for example from a `CfnParameter`), and strings that contain one, are not range- or
 * pattern-checked. The config is not trusted to match its type: a missing or mistyped field is a
 * problem, not a crash.
 *
 * @throws PlatformConfigError if the config breaks any rule
 */
export function validatePlatformConfig(config: PlatformConfig): void {
  const problems = new ConfigValidator().validate(config);
  if (problems.length > 0) {
    const name: unknown = isObject(config) ? config.name : undefined;
    throw new PlatformConfigError(typeof name === 'string' ? name : undefined, problems);
  }
}

// ---------------------------------------------------------------------------------------------
// Rules' constants

const PLATFORM_NAME = /^[a-z][a-z0-9-]{0,19}$/;
const STAGE_NAME = /^[A-Za-z0-9_-]{1,128}$/;
/** Rate-plan names and API key names. */
const PLAN_OR_KEY_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const SERVICE_NAME = /^[a-z][a-z0-9-]{0,31}$/;
const VPC_ID = /^vpc-[0-9a-f]{8,17}$/;
const SUBNET_ID = /^subnet-[0-9a-f]{8,17}$/;
const COGNITO_SCOPE_NAME = /^[\x21\x23-\x2E\x30-\x5B\x5D-\x7E]+$/;
const COGNITO_DOMAIN_PREFIX = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const COGNITO_RESERVED_WORDS = ['aws', 'amazon', 'cognito'];
const USER_POOL_ID = /^[\w-]+_[0-9a-zA-Z]+$/;

const LITERAL_SEGMENT = /^[A-Za-z0-9._~-]+$/;
const PARAM_SEGMENT = /^\{[A-Za-z_][A-Za-z0-9_]*\}$/;
const GREEDY_SEGMENT = /^\{[A-Za-z_][A-Za-z0-9_]*\+\}$/;

/** Every HttpMethod; a Record so that the compiler checks it lists them all. */
const HTTP_METHODS = Object.keys({
  GET: 0, POST: 0, PUT: 0, PATCH: 0, DELETE: 0, HEAD: 0, OPTIONS: 0, ANY: 0,
} satisfies Record<HttpMethod, 0>) as HttpMethod[];
const QUOTA_PERIODS = Object.keys({ DAY: 0, WEEK: 0, MONTH: 0 } satisfies Record<QuotaPeriod, 0>) as QuotaPeriod[];

/** API Gateway's regional account defaults: no stage or plan can go above them. */
const MAX_RATE_LIMIT = 10_000;
const MAX_BURST_LIMIT = 5_000;

/** The values CloudWatch Logs accepts for a log group's retention. */
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

/** Service stacks are numbered with two digits (`<name>-services-01`). */
const MAX_SERVICE_STACKS = 99;

/** Ports the Envoy sidecar listens on itself: outbound and inbound listeners, and its admin interface. */
const ENVOY_RESERVED_PORTS = [15000, 15001, 9901];

/** Every MeshProvider; a Record so that the compiler checks it lists them all. */
const MESH_PROVIDERS = Object.keys({ 'app-mesh': 0, 'service-connect': 0 } satisfies Record<MeshProvider, 0>) as MeshProvider[];
/** Every RolloutStrategy, checked by the compiler as MESH_PROVIDERS is. */
const ROLLOUT_STRATEGIES = Object.keys({ canary: 0, linear: 0 } satisfies Record<RolloutStrategy, 0>) as RolloutStrategy[];
/** An AWS Private CA's ARN. */
const PRIVATE_CA_ARN = /^arn:aws[a-z-]*:acm-pca:[a-z0-9-]+:\d{12}:certificate-authority\/[0-9a-f-]{36}$/;
/** The longest step or bake time of an ECS deployment, in minutes (24 hours). */
const MAX_BAKE_MINUTES = 1440;
/** The longest a canary deployment may wait in all, its step and its bake time, in minutes. */
const MAX_CANARY_MINUTES = 33 * 60;

/** One DNS label: 1 to 63 lowercase letters, digits and hyphens, not starting or ending with a hyphen. */
const DNS_LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
/** A DNS name of at least two labels (the length limit is checked apart). */
const DNS_NAME = new RegExp(`^${DNS_LABEL}(?:\\.${DNS_LABEL})+$`);
const VERSION_NAME = /^[a-z][a-z0-9-]{0,15}$/;
/**
 * Certificates name each version `<version>.<service>.<namespace>`, which must stay within a DNS
 * name's 253 characters: the namespace leaves room for the longest version and service names.
 */
const MAX_NAMESPACE_LENGTH = 253 - (16 + 1 + 32 + 1);
/** The mesh ingress is named `ingress.<namespace>`, so no service may take that name. */
const INGRESS_NAME = 'ingress';
const ENV_VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Variables of the Envoy proxy's container, which the mesh sets: an app must not set them. */
const PROXY_ENV_VARS = ['APPMESH_RESOURCE_ARN'];

/**
 * An image reference, as Docker's distribution/reference grammar reads it:
 * `[registry[:port]/]repository[:tag][@digest]`, the repository's components in lowercase.
 */
const IMAGE_REFERENCE = new RegExp(
  '^' +
    // registry: a host name (dot-separated components) or a bracketed IPv6 address, and a port
    '(?:(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*' +
    '|\\[[0-9A-Fa-f:]+\\])(?::[0-9]+)?/)?' +
    // repository: path components separated by '/'
    '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*' +
    // tag and digest
    '(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@(?:sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128}))?$',
);
const IMAGE_REFERENCE_SHAPE =
  '[registry[:port]/]repository[:tag][@sha256:<64 hex digits>], the repository in lowercase';

/** Version and service defaults, as the mesh applies them (lib/mesh/service-model.ts). */
const DEFAULT_DESIRED_COUNT = 2;
const DEFAULT_CPU = 512;
const DEFAULT_MEMORY_MIB = 1024;
const DEFAULT_TIMEOUT_MS = 15_000;
const MAX_TIMEOUT_MS = 3_600_000;

function steps(from: number, to: number, step: number): number[] {
  return Array.from({ length: (to - from) / step + 1 }, (_, i) => from + i * step);
}

/** Fargate's task sizes: for each CPU value, the memory sizes in MiB it allows, and how they read. */
const FARGATE_TASK_SIZES = new Map<number, { readonly memoryMiB: number[]; readonly text: string }>([
  [256, { memoryMiB: [512, 1024, 2048], text: '512, 1024 or 2048' }],
  [512, { memoryMiB: steps(1024, 4096, 1024), text: '1024 to 4096 in steps of 1024' }],
  [1024, { memoryMiB: steps(2048, 8192, 1024), text: '2048 to 8192 in steps of 1024' }],
  [2048, { memoryMiB: steps(4096, 16_384, 1024), text: '4096 to 16384 in steps of 1024' }],
  [4096, { memoryMiB: steps(8192, 30_720, 1024), text: '8192 to 30720 in steps of 1024' }],
]);

/** A sanity cap on the monthly budget, in US dollars (AWS Budgets' own limit is far higher). */
const MAX_MONTHLY_BUDGET_USD = 1_000_000_000;
/** AWS Budgets' quotas: e-mail subscribers per notification, and notifications per budget. */
const MAX_EMAIL_SUBSCRIBERS = 10;
const MAX_BUDGET_NOTIFICATIONS = 5;
/**
 * Budget notifications besides the ACTUAL ones: the FORECASTED one, which is always on
 * (`forecastThresholdPercent` defaults to 100 and cannot be turned off).
 */
const OTHER_BUDGET_NOTIFICATIONS = 1;
/** A pragmatic e-mail address: something@domain.tld, no spaces, no empty domain labels. */
const EMAIL_ADDRESS = /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+$/;
/** `arn:<partition>:sns:<region>:<account>:<topic name>`. */
const SNS_TOPIC_ARN = /^arn:aws(?:-[a-z]+)*:sns:[a-z]{2}(?:-[a-z]+)+-\d+:\d{12}:[A-Za-z0-9_-]{1,256}$/;
const SNS_TOPIC_ARN_SHAPE =
  'arn:<partition>:sns:<region>:<12-digit account>:<topic name of letters, digits, hyphens and underscores>';

/** The unit prices of `cost.prices`, and what each is per; a Record so that the compiler checks it lists them all. */
const UNIT_PRICES = {
  restApiCallsPerMillion: 'US dollars per million REST API calls',
  lambdaRequestsPerMillion: 'US dollars per million Lambda requests',
  lambdaGbSecond: 'US dollars per Lambda GB-second',
} satisfies Record<keyof UnitPricesConfig, string>;

/** Two AZs: one NAT gateway each at most. */
const MAX_NAT_GATEWAYS = 2;
const MIN_VPC_PREFIX = 16;
/** Two /20 private and two /24 public subnets (lib/network) need at least a /18. */
const MAX_VPC_PREFIX = 18;

// ---------------------------------------------------------------------------------------------
// Paths and values in messages

type Obj = Record<string, unknown>;

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isIdentifier(key: string): boolean {
  return /^[A-Za-z_$][\w$]*$/.test(key);
}

/** `base.key`, or `base['key']` when the key is not an identifier. */
function prop(base: string, key: string): string {
  if (isIdentifier(key)) return base === '' ? key : `${base}.${key}`;
  return `${base}[${quote(key)}]`;
}

function item(base: string, index: number): string {
  return `${base}[${index}]`;
}

function quote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** A value as a message shows it: strings quoted, arrays and objects in brief. */
function show(value: unknown): string {
  const text = showFull(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function showFull(value: unknown): string {
  if (typeof value === 'string') return quote(value);
  if (Array.isArray(value)) return `[${value.map(showFull).join(', ')}]`;
  if (isObject(value)) {
    const entries = Object.entries(value).map(([k, v]) => `${isIdentifier(k) ? k : quote(k)}: ${showFull(v)}`);
    return entries.length === 0 ? '{}' : `{ ${entries.join(', ')} }`;
  }
  return String(value);
}

function isUnresolved(value: unknown): boolean {
  return (typeof value === 'string' || typeof value === 'number') && Token.isUnresolved(value);
}

function isHttpMethod(value: unknown): value is HttpMethod {
  return typeof value === 'string' && (HTTP_METHODS as string[]).includes(value);
}

function isHttpsUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && url.hostname !== '';
  } catch {
    return false;
  }
}

/** The names of `mesh.services`, which routes refer to (the mesh itself is validated last). */
function serviceNames(mesh: unknown): string[] {
  return isObject(mesh) && isObject(mesh.services) ? Object.keys(mesh.services) : [];
}

function overlaps(a: HttpMethod, b: HttpMethod): boolean {
  return a === b || a === 'ANY' || b === 'ANY';
}

// ---------------------------------------------------------------------------------------------
// Route paths

/** A route path's problems, and its segments when it has none. */
function parseRoutePath(path: string): { problems: string[]; segments?: string[] } {
  const got = `got ${quote(path)}`;
  if (!path.startsWith('/')) return { problems: [`must start with '/', ${got}`] };
  if (path === '/') return { problems: [], segments: [] };

  const problems: string[] = [];
  if (path.endsWith('/')) problems.push(`must not end with '/', ${got}`);
  const segments = path.slice(1, path.endsWith('/') ? -1 : undefined).split('/');
  if (segments.includes('')) problems.push(`must not contain empty segments, ${got}`);
  segments.forEach((segment, index) => {
    if (segment === '' || LITERAL_SEGMENT.test(segment) || PARAM_SEGMENT.test(segment)) return;
    if (!GREEDY_SEGMENT.test(segment)) {
      problems.push(
        `segment ${quote(segment)} must be a literal of [A-Za-z0-9._~-], a {name} or a final {name+} ` +
          `(name [A-Za-z_][A-Za-z0-9_]*), ${got}`,
      );
    } else if (index !== segments.length - 1) {
      problems.push(`greedy segment ${quote(segment)} must be the last segment, ${got}`);
    }
  });
  return problems.length > 0 ? { problems } : { problems, segments };
}

function isParamSegment(segment: string): boolean {
  return segment.startsWith('{');
}

// ---------------------------------------------------------------------------------------------
// IPv4 CIDR blocks

/** `a.b.c.d/n` in decimal without leading zeros, as a 32-bit address and a prefix length. */
function parseIpv4Cidr(text: string): { address: number; prefix: number } | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  if (!match) return undefined;
  const parts = match.slice(1);
  if (parts.some((part) => String(Number(part)) !== part)) return undefined; // leading zeros
  const [a, b, c, d, prefix] = parts.map(Number) as [number, number, number, number, number];
  if ([a, b, c, d].some((octet) => octet > 255) || prefix > 32) return undefined;
  return { address: ((a * 256 + b) * 256 + c) * 256 + d, prefix };
}

function formatIpv4(address: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join('.');
}

// ---------------------------------------------------------------------------------------------
// The walk

interface IntegerRule {
  readonly min: number;
  readonly max: number;
  /** How the rule reads. @default `an integer from <min> to <max>` */
  readonly text?: string;
  readonly required?: boolean;
}

const POSITIVE_INTEGER: IntegerRule = { min: 1, max: Number.MAX_SAFE_INTEGER, text: 'a positive integer' };

interface NumberRule {
  readonly min: number;
  /** Whether `min` itself is allowed. @default true */
  readonly minIncluded?: boolean;
  readonly max: number;
  /** How the rule reads. */
  readonly text: string;
  readonly required?: boolean;
}

/** Budget notification thresholds, and the breaker's. */
const PERCENT_OF_BUDGET: NumberRule = {
  min: 0,
  minIncluded: false,
  max: 1000,
  text: 'a percentage of the budget in (0, 1000]',
};

/** A throttle's limits, each when it is resolved and valid (and the throttle as a whole is), and its path. */
interface ThrottleLimits {
  readonly path: string;
  readonly rateLimit: number | undefined;
  readonly burstLimit: number | undefined;
}

/**
 * The lowest of the throttles' `field` limits, and its path; the first of them on a tie. Limits that
 * are invalid or unresolved tokens are not in `throttles`, so they are not compared.
 */
function lowestLimit(
  throttles: readonly ThrottleLimits[],
  field: 'rateLimit' | 'burstLimit',
): { path: string; value: number } | undefined {
  let lowest: { path: string; value: number } | undefined;
  for (const throttle of throttles) {
    const value = throttle[field];
    if (value !== undefined && (lowest === undefined || value < lowest.value)) {
      lowest = { path: prop(throttle.path, field), value };
    }
  }
  return lowest;
}

/** The authorizers `api.auth` configures, and the scopes the Cognito resource server declares. */
interface Authorizers {
  readonly jwt: boolean;
  readonly cognito: boolean;
  /** Undefined when `api.auth.cognito.scopes` is not a usable array. */
  readonly cognitoScopes?: string[];
}

/** A route that is sound enough to take part in cross-route checks. */
interface KnownRoute {
  readonly index: number;
  readonly route: RouteConfig;
}

class ConfigValidator {
  private readonly problems: ConfigProblem[] = [];

  public validate(config: unknown): ConfigProblem[] {
    if (!isObject(config)) {
      this.report('config', `must be an object, got ${show(config)}`);
      return this.problems;
    }
    const nameMeaning = 'lowercase letters, digits and hyphens, starting with a letter, at most 20 characters';
    this.pattern('name', config.name, PLATFORM_NAME, nameMeaning, true);
    this.network(config.network);
    const throttles = this.api(config.api, serviceNames(config.mesh));
    this.mesh(config.mesh);
    this.cost(config.cost, throttles);
    if (isUnresolved(config.serviceStacks)) {
      this.report('serviceStacks', 'must be a number known at synth (it decides the stacks), got a token');
    } else {
      this.integer('serviceStacks', config.serviceStacks, { min: 0, max: MAX_SERVICE_STACKS });
    }
    return this.problems;
  }

  private report(path: string, rule: string): void {
    this.problems.push({ path, rule });
  }

  // --- primitives: each reports what is wrong and returns the value only when it is usable ---

  private object(path: string, value: unknown, required: boolean): Obj | undefined {
    if (value === undefined) {
      if (required) this.report(path, 'is required, got undefined');
      return undefined;
    }
    if (isObject(value)) return value;
    this.report(path, `must be an object, got ${show(value)}`);
    return undefined;
  }

  private array(path: string, value: unknown, required: boolean, text: string): unknown[] | undefined {
    if (value === undefined) {
      if (required) this.report(path, 'is required, got undefined');
      return undefined;
    }
    // Array.from: holes become undefined, so that forEach visits (and reports) them.
    if (Array.isArray(value) && value.length > 0) return Array.from(value);
    this.report(path, `must be ${text}, got ${show(value)}`);
    return undefined;
  }

  private string(path: string, value: unknown, required: boolean): string | undefined {
    if (value === undefined) {
      if (required) this.report(path, 'is required, got undefined');
      return undefined;
    }
    if (typeof value === 'string') return value;
    this.report(path, `must be a string, got ${show(value)}`);
    return undefined;
  }

  private boolean(path: string, value: unknown): void {
    if (value !== undefined && typeof value !== 'boolean') {
      this.report(path, `must be true or false, got ${show(value)}`);
    }
  }

  /** A string matching `regex`; unresolved tokens pass. Returns the string if it matches. */
  private pattern(
    path: string,
    value: unknown,
    regex: RegExp,
    meaning: string | undefined,
    required: boolean,
  ): string | undefined {
    const text = this.string(path, value, required);
    if (text === undefined || isUnresolved(text)) return undefined;
    if (regex.test(text)) return text;
    this.report(path, `must match ${regex}${meaning ? ` (${meaning})` : ''}, got ${quote(text)}`);
    return undefined;
  }

  /** An integer in a range; unresolved tokens pass. Returns the number only when it is resolved and valid. */
  private integer(path: string, value: unknown, rule: IntegerRule): number | undefined {
    if (value === undefined) {
      if (rule.required) this.report(path, 'is required, got undefined');
      return undefined;
    }
    if (isUnresolved(value)) return undefined;
    if (typeof value === 'number' && Number.isInteger(value) && value >= rule.min && value <= rule.max) return value;
    this.report(path, `must be ${rule.text ?? `an integer from ${rule.min} to ${rule.max}`}, got ${show(value)}`);
    return undefined;
  }

  /** A finite number in a range; unresolved tokens pass. Returns the number only when it is resolved and valid. */
  private number(path: string, value: unknown, rule: NumberRule): number | undefined {
    if (value === undefined) {
      if (rule.required) this.report(path, 'is required, got undefined');
      return undefined;
    }
    if (isUnresolved(value)) return undefined;
    const aboveMin = (n: number) => (rule.minIncluded === false ? n > rule.min : n >= rule.min);
    if (typeof value === 'number' && Number.isFinite(value) && aboveMin(value) && value <= rule.max) return value;
    this.report(path, `must be ${rule.text}, got ${show(value)}`);
    return undefined;
  }

  private nonEmptyStrings(path: string, value: unknown, required: boolean): string[] | undefined {
    const items = this.array(path, value, required, 'a non-empty array of non-empty strings');
    if (!items) return undefined;
    let valid = true;
    items.forEach((entry, index) => {
      if (typeof entry !== 'string' || entry === '') {
        this.report(item(path, index), `must be a non-empty string, got ${show(entry)}`);
        valid = false;
      }
    });
    return valid ? (items as string[]) : undefined;
  }

  private logRetention(path: string, value: unknown): void {
    if (value === undefined || isUnresolved(value)) return;
    if (typeof value === 'number' && LOG_RETENTION_DAYS.includes(value)) return;
    const allowed = LOG_RETENTION_DAYS.join(', ');
    this.report(path, `must be one of CloudWatch Logs' retention periods (${allowed}), got ${show(value)}`);
  }

  private port(path: string, value: unknown, required: boolean): void {
    const port = this.integer(path, value, { min: 1, max: 65535, required });
    if (port !== undefined && ENVOY_RESERVED_PORTS.includes(port)) {
      const reserved = ENVOY_RESERVED_PORTS.join(', ');
      this.report(path, `must not be a port the Envoy sidecar reserves (${reserved}), got ${port}`);
    }
  }

  // --- the config's parts ---

  /**
   * Validates a throttle; when it is an object, returns its limits, each when it is resolved and valid
   * (neither when the burst is below the rate: the throttle is then no reference for others).
   */
  private throttle(path: string, value: unknown, required: boolean): ThrottleLimits | undefined {
    const throttle = this.object(path, value, required);
    if (!throttle) return undefined;
    const rate = this.integer(prop(path, 'rateLimit'), throttle.rateLimit, {
      min: 0,
      max: MAX_RATE_LIMIT,
      text: `an integer from 0 to ${MAX_RATE_LIMIT} (the regional account default rps)`,
      required: true,
    });
    const burst = this.integer(prop(path, 'burstLimit'), throttle.burstLimit, {
      min: 0,
      max: MAX_BURST_LIMIT,
      text: `an integer from 0 to ${MAX_BURST_LIMIT} (the regional account default burst)`,
      required: true,
    });
    if (rate !== undefined && burst !== undefined && burst < rate) {
      this.report(prop(path, 'burstLimit'), `must be at least rateLimit (${rate}), got ${burst}`);
      return { path, rateLimit: undefined, burstLimit: undefined };
    }
    return { path, rateLimit: rate, burstLimit: burst };
  }

  private network(value: unknown): void {
    const network = this.object('network', value, false);
    if (!network) return;
    this.existingVpc(network.existingVpc);
    const cidr = this.string('network.cidr', network.cidr, false);
    if (cidr !== undefined && !isUnresolved(cidr)) this.cidr('network.cidr', cidr);
    this.integer('network.natGateways', network.natGateways, {
      min: 0,
      max: MAX_NAT_GATEWAYS,
      text: `an integer from 0 to ${MAX_NAT_GATEWAYS} (the VPC spans two AZs)`,
    });
    this.logRetention('network.flowLogRetentionDays', network.flowLogRetentionDays);
  }

  private existingVpc(value: unknown): void {
    const vpc = this.object('network.existingVpc', value, false);
    if (!vpc) return;
    this.pattern('network.existingVpc.vpcId', vpc.vpcId, VPC_ID, 'a VPC id such as vpc-0123456789abcdef0', true);
    const cidr = this.string('network.existingVpc.cidr', vpc.cidr, true);
    if (cidr !== undefined && !isUnresolved(cidr) && !parseIpv4Cidr(cidr)) {
      this.report('network.existingVpc.cidr', `must be an IPv4 CIDR block such as '10.0.0.0/16', got ${quote(cidr)}`);
    }
    const zones = this.nonEmptyStrings('network.existingVpc.availabilityZones', vpc.availabilityZones, true);
    const subnets = this.nonEmptyStrings('network.existingVpc.privateSubnetIds', vpc.privateSubnetIds, true);
    subnets?.forEach((subnet, i) => this.pattern(item('network.existingVpc.privateSubnetIds', i), subnet, SUBNET_ID, 'a subnet id', true));
    if (zones && zones.length !== 2) {
      this.report('network.existingVpc.availabilityZones', `must name exactly two Availability Zones, got ${show(zones)}`);
    } else if (zones && subnets && subnets.length !== zones.length) {
      this.report('network.existingVpc.privateSubnetIds', `must give one private subnet per Availability Zone (${zones.length}), got ${show(subnets)}`);
    }
  }

  private cidr(path: string, text: string): void {
    const cidr = parseIpv4Cidr(text);
    if (!cidr) {
      this.report(path, `must be an IPv4 CIDR block such as '10.0.0.0/16', got ${quote(text)}`);
    } else if (cidr.prefix < MIN_VPC_PREFIX || cidr.prefix > MAX_VPC_PREFIX) {
      this.report(path, `must have a prefix length from /${MIN_VPC_PREFIX} to /${MAX_VPC_PREFIX} (room for two /20 private and two /24 public subnets), got ${quote(text)}`);
    } else {
      const hostBits = cidr.address % 2 ** (32 - cidr.prefix);
      if (hostBits !== 0) {
        const network = `${formatIpv4(cidr.address - hostBits)}/${cidr.prefix}`;
        this.report(path, `must have its host bits zero (${quote(network)}), got ${quote(text)}`);
      }
    }
  }

  /** Validates `api`; returns the limits of the stage's throttle and the rate plans', for the breaker's floor. */
  private api(value: unknown, services: string[]): ThrottleLimits[] {
    const api = this.object('api', value, true);
    if (!api) return [];
    this.pattern('api.stageName', api.stageName, STAGE_NAME, undefined, false);
    const stageThrottle = this.throttle('api.throttle', api.throttle, true);
    const auth = this.auth(api.auth);

    // Rate plans refer to the routes' methods, and routes with an API key need a plan: gather
    // both sides before walking either.
    const routes = Array.isArray(api.routes) ? api.routes : [];
    const knownRoutes = this.knownRoutes(routes);
    const planCount = isObject(api.ratePlans) ? Object.keys(api.ratePlans).length : 0;

    // Without routes, every plan method would be unknown: `api.routes` alone is reported then.
    const planThrottles = this.ratePlans(api.ratePlans, routes.length > 0 ? knownRoutes : undefined);
    this.routes(api.routes, { services, auth, planCount, knownRoutes });

    this.logRetention('api.accessLogRetentionDays', api.accessLogRetentionDays);
    const waf = this.object('api.waf', api.waf, false);
    if (waf) {
      this.boolean('api.waf.enabled', waf.enabled);
      this.integer('api.waf.ratePerIpPer5Minutes', waf.ratePerIpPer5Minutes, { min: 10, max: 2_000_000_000 });
    }
    this.boolean('api.manageAccountLogRole', api.manageAccountLogRole);
    if (auth.jwt && this.problems.length === 0) this.jwtEnvironment(api as unknown as ApiConfig);
    return [...(stageThrottle ? [stageThrottle] : []), ...planThrottles];
  }

  /** The JWT authorizer carries the routes' scopes in its environment, which Lambda caps at 4 KB. */
  private jwtEnvironment(api: ApiConfig): void {
    const environment = { ...BASE_FUNCTION_ENVIRONMENT, ...jwtAuthorizerEnvironment(api.auth!.jwt!, api.routes) };
    const bytes = environmentBytes(environment);
    if (bytes > LAMBDA_ENVIRONMENT_LIMIT_BYTES) {
      this.report(
        'api.routes',
        `the JWT authorizer's environment (its issuer, audience and the scopes of every route with jwtScopes) must fit in Lambda's ${LAMBDA_ENVIRONMENT_LIMIT_BYTES} bytes, got ${bytes}: ` +
          'fewer or shorter jwtScopes, or routes that need only a valid token (auth: \'jwt\')',
      );
    }
  }

  /** Routes sound enough for cross-route checks: a string path, and their known methods once each. */
  private knownRoutes(routes: unknown[]): KnownRoute[] {
    return routes.flatMap((route, index) => {
      if (!isObject(route) || typeof route.path !== 'string' || !Array.isArray(route.methods)) return [];
      const methods = [...new Set(route.methods.filter(isHttpMethod))];
      return [{ index, route: { ...(route as unknown as RouteConfig), methods } }];
    });
  }

  // --- auth ---

  /** Validates `api.auth`; returns which authorizers are configured and the declared Cognito scopes. */
  private auth(value: unknown): Authorizers {
    const auth = this.object('api.auth', value, false);
    if (!auth) return { jwt: false, cognito: false };
    const cognitoScopes = this.cognito(auth.cognito);
    this.jwt(auth.jwt);
    // Configured means given: one given with the wrong type is reported above, not at each route.
    return {
      jwt: auth.jwt !== undefined,
      cognito: auth.cognito !== undefined,
      ...(cognitoScopes ? { cognitoScopes } : {}),
    };
  }

  /** Validates `api.auth.cognito`; returns its scopes' names when they are an array. */
  private cognito(value: unknown): string[] | undefined {
    const path = 'api.auth.cognito';
    const cognito = this.object(path, value, false);
    if (!cognito) return undefined;

    this.pattern(prop(path, 'userPoolId'), cognito.userPoolId, USER_POOL_ID, 'for example us-east-1_AbC123', false);
    if (cognito.domainPrefix === undefined && cognito.userPoolId === undefined) {
      this.report(prop(path, 'domainPrefix'), 'is required unless userPoolId is given, got undefined');
    }
    const domainPrefix = this.string(prop(path, 'domainPrefix'), cognito.domainPrefix, false);
    if (domainPrefix !== undefined && !isUnresolved(domainPrefix)) {
      if (!COGNITO_DOMAIN_PREFIX.test(domainPrefix)) {
        this.report(
          prop(path, 'domainPrefix'),
          `must match ${COGNITO_DOMAIN_PREFIX} (lowercase letters, digits and hyphens, at most 63 characters, ` +
            `starting and ending with a letter or digit), got ${quote(domainPrefix)}`,
        );
      }
      if (COGNITO_RESERVED_WORDS.some((word) => domainPrefix.toLowerCase().includes(word))) {
        this.report(
          prop(path, 'domainPrefix'),
          `must not contain the reserved words aws, amazon or cognito, got ${quote(domainPrefix)}`,
        );
      }
    }
    const resourceServerId = this.string(prop(path, 'resourceServerId'), cognito.resourceServerId, false);
    if (resourceServerId !== undefined && !/^\S+$/.test(resourceServerId)) {
      this.report(
        prop(path, 'resourceServerId'),
        `must be non-empty and contain no whitespace, got ${quote(resourceServerId)}`,
      );
    }

    const scopesPath = prop(path, 'scopes');
    const scopes = this.array(scopesPath, cognito.scopes, true, 'a non-empty array of scope names');
    const declared: string[] = [];
    scopes?.forEach((scope, index) => {
      this.pattern(item(scopesPath, index), scope, COGNITO_SCOPE_NAME, "Cognito's scope-name charset", true);
      if (typeof scope !== 'string') return;
      const first = scopes.indexOf(scope);
      if (first < index) {
        this.report(item(scopesPath, index), `${quote(scope)} is already declared at ${item('scopes', first)}`);
      } else {
        declared.push(scope);
      }
    });

    this.integer(prop(path, 'accessTokenValidityMinutes'), cognito.accessTokenValidityMinutes, { min: 5, max: 1440 });
    return scopes ? declared : undefined;
  }

  private jwt(value: unknown): void {
    const path = 'api.auth.jwt';
    const jwt = this.object(path, value, false);
    if (!jwt) return;
    this.httpsUrl(prop(path, 'issuer'), jwt.issuer, true);
    this.nonEmptyStrings(prop(path, 'audience'), jwt.audience, true);
    this.httpsUrl(prop(path, 'jwksUri'), jwt.jwksUri, false);
    this.integer(prop(path, 'cacheTtlSeconds'), jwt.cacheTtlSeconds, { min: 0, max: 3600 });
  }

  private httpsUrl(path: string, value: unknown, required: boolean): void {
    const url = this.string(path, value, required);
    if (url !== undefined && !isUnresolved(url) && !isHttpsUrl(url)) {
      this.report(path, `must be an https URL, got ${quote(url)}`);
    }
  }

  // --- rate plans ---

  /**
   * Validates `api.ratePlans`; plans' method keys are checked against `knownRoutes` if given.
   * Returns the limits of the plans' throttles.
   */
  private ratePlans(value: unknown, knownRoutes: KnownRoute[] | undefined): ThrottleLimits[] {
    const plans = this.object('api.ratePlans', value, false);
    if (!plans) return [];
    const knownKeys = knownRoutes && [
      ...new Set(routeMethods(knownRoutes.map((r) => r.route)).map((m) => m.key)),
    ];
    const keyOwners = new Map<string, string>();
    const throttles: ThrottleLimits[] = [];

    for (const [name, planValue] of Object.entries(plans)) {
      const path = prop('api.ratePlans', name);
      if (!PLAN_OR_KEY_NAME.test(name)) {
        this.report(path, `plan name must match ${PLAN_OR_KEY_NAME}, got ${quote(name)}`);
      }
      const plan = this.object(path, planValue, true);
      if (!plan) continue;

      const throttle = this.throttle(prop(path, 'throttle'), plan.throttle, true);
      if (throttle) throttles.push(throttle);

      const quotaPath = prop(path, 'quota');
      const quota = this.object(quotaPath, plan.quota, false);
      if (quota) {
        this.integer(prop(quotaPath, 'limit'), quota.limit, {
          min: 1,
          max: Number.MAX_SAFE_INTEGER,
          text: 'a positive integer',
          required: true,
        });
        if (quota.period === undefined) {
          this.report(prop(quotaPath, 'period'), 'is required, got undefined');
        } else if (!(QUOTA_PERIODS as unknown[]).includes(quota.period)) {
          const periods = QUOTA_PERIODS.join(', ');
          this.report(prop(quotaPath, 'period'), `must be one of ${periods}, got ${show(quota.period)}`);
        }
      }

      const methods = this.object(prop(path, 'methods'), plan.methods, false);
      for (const [key, throttle] of Object.entries(methods ?? {})) {
        const methodPath = prop(prop(path, 'methods'), key);
        if (knownKeys && !knownKeys.includes(key)) {
          this.report(
            methodPath,
            `${quote(key)} is not a method a route declares (known: ${knownKeys.join(', ') || 'none'})`,
          );
        }
        this.throttle(methodPath, throttle, true);
      }

      const apiKeysPath = prop(path, 'apiKeys');
      if (plan.apiKeys === undefined) continue;
      if (!Array.isArray(plan.apiKeys)) {
        this.report(apiKeysPath, `must be an array of API key names, got ${show(plan.apiKeys)}`);
        continue;
      }
      plan.apiKeys.forEach((key: unknown, index) => {
        const keyPath = item(apiKeysPath, index);
        const keyName = this.pattern(keyPath, key, PLAN_OR_KEY_NAME, undefined, true);
        if (keyName === undefined) return;
        const owner = keyOwners.get(keyName);
        if (owner !== undefined) {
          this.report(keyPath, `${quote(keyName)} is already on ${owner} (an API key belongs to one plan)`);
        } else {
          keyOwners.set(keyName, keyPath);
        }
      });
    }
    return throttles;
  }

  // --- routes ---

  private routes(
    value: unknown,
    context: {
      services: string[];
      auth: Authorizers;
      planCount: number;
      knownRoutes: KnownRoute[];
    },
  ): void {
    const routes = this.array('api.routes', value, true, 'a non-empty array of routes');
    if (!routes) return;

    // For cross-route checks: the parameter segment first seen under each parent path, and the
    // methods each sound route declares.
    const paramsByParent = new Map<string, { segment: string; index: number }>();
    // The mesh ingress sends a request to a service by its path alone, whatever the method.
    const serviceOfPath = new Map<string, { service: string; index: number }>();
    const indexOf = new Map(context.knownRoutes.map((r) => [r.route, r.index]));
    const declared = routeMethods(context.knownRoutes.map((r) => r.route)).map((m) => ({
      ...m,
      index: indexOf.get(m.route) ?? -1,
    }));

    routes.forEach((routeValue, index) => {
      const path = item('api.routes', index);
      const route = this.object(path, routeValue, true);
      if (!route) return;

      // path, and the parameter names its siblings use
      const routePath = this.string(prop(path, 'path'), route.path, true);
      if (routePath !== undefined) {
        const parsed = parseRoutePath(routePath);
        parsed.problems.forEach((rule) => this.report(prop(path, 'path'), rule));
        parsed.segments?.forEach((segment, depth) => {
          if (!isParamSegment(segment)) return;
          const parent = `/${parsed.segments!.slice(0, depth).join('/')}`;
          const first = paramsByParent.get(parent);
          if (!first) {
            paramsByParent.set(parent, { segment, index });
          } else if (first.segment !== segment) {
            this.report(
              prop(path, 'path'),
              `parameter ${quote(segment)} conflicts with ${quote(first.segment)} of ` +
                `${item('api.routes', first.index)} under ${quote(parent)} ` +
                `(API Gateway allows one parameter name per level), got ${quote(routePath)}`,
            );
          }
        });
      }

      // methods: known, once each, and not already declared for the path by an earlier route
      const methods = this.array(prop(path, 'methods'), route.methods, true, 'a non-empty array of HTTP methods');
      methods?.forEach((method, m) => {
        const methodPath = item(prop(path, 'methods'), m);
        if (!isHttpMethod(method)) {
          this.report(methodPath, `must be one of ${HTTP_METHODS.join(', ')}, got ${show(method)}`);
          return;
        }
        const first = methods.indexOf(method);
        if (first < m) this.report(methodPath, `${quote(method)} is already listed at ${item('methods', first)}`);
      });
      for (const mine of declared.filter((d) => d.index === index)) {
        const earlier = declared.find(
          (d) => d.index < index && d.route.path === mine.route.path && overlaps(d.method, mine.method),
        );
        if (!earlier) continue;
        const other = item('api.routes', earlier.index);
        this.report(
          prop(path, 'methods'),
          earlier.method === mine.method
            ? `${quote(mine.key)} is already declared by ${other}`
            : `${quote(mine.key)} overlaps ${quote(earlier.key)} of ${other} (ANY overlaps every method)`,
        );
      }

      // service
      const service = this.string(prop(path, 'service'), route.service, true);
      if (service !== undefined && !context.services.includes(service)) {
        this.report(
          prop(path, 'service'),
          `${quote(service)} is not a service in mesh.services (known: ${context.services.join(', ') || 'none'})`,
        );
      }
      if (service !== undefined && typeof route.path === 'string') {
        const owner = serviceOfPath.get(route.path);
        if (!owner) {
          serviceOfPath.set(route.path, { service, index });
        } else if (owner.service !== service) {
          this.report(
            prop(path, 'service'),
            `must be ${quote(owner.service)}, as for ${quote(route.path)} in ${item('api.routes', owner.index)}: the mesh ingress ` +
              `sends a path to one service whatever the method (move the method to that service, or give it its own path), got ${quote(service)}`,
          );
        }
      }

      this.routeAuth(prop(path, 'auth'), route.auth, context.auth);

      this.boolean(prop(path, 'apiKey'), route.apiKey);
      if (route.apiKey === true && context.planCount === 0) {
        this.report(
          prop(path, 'apiKey'),
          'requires at least one rate plan in api.ratePlans (a key that is on no plan cannot call anything), got true',
        );
      }
    });
  }

  private routeAuth(path: string, value: unknown, configured: Authorizers): void {
    if (value === undefined) {
      this.report(path, 'is required, got undefined');
      return;
    }
    const auth = this.routeAuthShape(path, value);
    if (!auth) return;

    const { kind, scopes } = describeAuth(auth);
    if (kind === 'jwt' && !configured.jwt) {
      this.report(path, `requires api.auth.jwt, which is not configured, got ${show(value)}`);
    }
    if (kind === 'cognito' && !configured.cognito) {
      this.report(path, `requires api.auth.cognito, which is not configured, got ${show(value)}`);
    }
    if (kind === 'cognito' && configured.cognitoScopes) {
      const declared = configured.cognitoScopes;
      scopes.forEach((scope, index) => {
        if (declared.includes(scope) || isUnresolved(scope)) return;
        this.report(
          item(prop(path, 'cognitoScopes'), index),
          `${quote(scope)} is not a scope declared on the resource server ` +
            `(api.auth.cognito.scopes: ${declared.join(', ')})`,
        );
      });
    }
  }

  /** A route's `auth` as a {@link RouteAuth}, if it is one. */
  private routeAuthShape(path: string, value: unknown): RouteAuth | undefined {
    if (value === 'none' || value === 'jwt' || value === 'cognito') return value;
    // Exactly one of the scope lists (a plain-JS `{ jwtScopes: undefined, cognitoScopes }` counts as one).
    const fields = (['jwtScopes', 'cognitoScopes'] as const).filter((k) => isObject(value) && value[k] !== undefined);
    if (!isObject(value) || fields.length !== 1) {
      this.report(path, `must be 'none', 'jwt', 'cognito', { jwtScopes } or { cognitoScopes }, got ${show(value)}`);
      return undefined;
    }
    const field = fields[0]!;
    const scopes = this.nonEmptyStrings(prop(path, field), value[field], true);
    if (!scopes) return undefined;
    return field === 'jwtScopes' ? { jwtScopes: scopes } : { cognitoScopes: scopes };
  }

  // --- mesh ---

  private mesh(value: unknown): void {
    const mesh = this.object('mesh', value, true);
    if (!mesh) return;

    // The provider chooses constructs at synth time, so a token cannot stand for it.
    if (mesh.provider !== undefined && !(MESH_PROVIDERS as unknown[]).includes(mesh.provider)) {
      const known = MESH_PROVIDERS.join(', ');
      this.report('mesh.provider', `must be a known mesh provider (${known}), got ${show(mesh.provider)}`);
    }
    this.dnsName('mesh.namespace', mesh.namespace);
    const strategy = this.serviceConnect(mesh.serviceConnect);
    // The Service Connect backend's limits on versions apply only when it renders the services.
    const rollout = mesh.provider === 'service-connect' ? (strategy ?? DEFAULT_ROLLOUT.strategy) : undefined;

    const ingress = this.object('mesh.ingress', mesh.ingress, false);
    if (ingress) {
      // The gateway's own Envoy takes the reserved ports, so they are ruled out here as for services.
      // It runs in tasks of its own, so it may listen on the same port as a service.
      this.port('mesh.ingress.port', ingress.port, false);
      this.integer('mesh.ingress.desiredCount', ingress.desiredCount, { min: 1, max: 100 });
    }
    const certificates = this.object('mesh.certificates', mesh.certificates, false);
    if (certificates) {
      this.integer('mesh.certificates.generation', certificates.generation, POSITIVE_INTEGER);
      this.integer('mesh.certificates.validityDays', certificates.validityDays, { min: 1, max: 825 });
    }
    this.logRetention('mesh.logRetentionDays', mesh.logRetentionDays);

    const services = this.object('mesh.services', mesh.services, true);
    if (!services) return;
    const names = Object.keys(services);
    if (names.length === 0) {
      this.report('mesh.services', 'must declare at least one service, got {}');
    }
    for (const [name, serviceValue] of Object.entries(services)) {
      this.service(name, serviceValue, names, rollout);
    }
  }

  /** `mesh.serviceConnect`; returns the rollout strategy when it is given and valid. */
  private serviceConnect(value: unknown): RolloutStrategy | undefined {
    const serviceConnect = this.object('mesh.serviceConnect', value, false);
    if (!serviceConnect) return undefined;
    this.pattern(
      'mesh.serviceConnect.certificateAuthorityArn',
      serviceConnect.certificateAuthorityArn,
      PRIVATE_CA_ARN,
      'an AWS Private CA: arn:aws:acm-pca:<region>:<account>:certificate-authority/<id>',
      false,
    );
    const rollout = this.object('mesh.serviceConnect.rollout', serviceConnect.rollout, false);
    if (!rollout) return undefined;
    const minutes = { min: 0, max: MAX_BAKE_MINUTES };
    const stepBake = this.integer('mesh.serviceConnect.rollout.stepBakeMinutes', rollout.stepBakeMinutes, minutes);
    const bake = this.integer('mesh.serviceConnect.rollout.bakeMinutes', rollout.bakeMinutes, minutes);
    let strategy: RolloutStrategy | undefined;
    if ((ROLLOUT_STRATEGIES as unknown[]).includes(rollout.strategy)) {
      strategy = rollout.strategy as RolloutStrategy;
    } else if (rollout.strategy !== undefined) {
      this.report('mesh.serviceConnect.rollout.strategy', `must be one of ${ROLLOUT_STRATEGIES.join(', ')}, got ${show(rollout.strategy)}`);
    }
    // CloudFormation refuses a canary whose two waits add up to more than 33 hours.
    const canaryBake = rollout.stepBakeMinutes === undefined ? DEFAULT_ROLLOUT.stepBakeMinutes : stepBake;
    const finalBake = rollout.bakeMinutes === undefined ? DEFAULT_ROLLOUT.bakeMinutes : bake;
    if ((strategy ?? DEFAULT_ROLLOUT.strategy) === 'canary' && canaryBake !== undefined && finalBake !== undefined && canaryBake + finalBake > MAX_CANARY_MINUTES) {
      this.report(
        'mesh.serviceConnect.rollout',
        `stepBakeMinutes and bakeMinutes of a canary must add up to at most ${MAX_CANARY_MINUTES} (33 hours, CloudFormation's limit), got ${canaryBake} + ${finalBake}`,
      );
    }
    return strategy;
  }

  private dnsName(path: string, value: unknown): void {
    const name = this.string(path, value, false);
    if (name === undefined || isUnresolved(name)) return;
    if (DNS_NAME.test(name) && name.length <= MAX_NAMESPACE_LENGTH) return;
    this.report(
      path,
      'must be a lowercase DNS name: at least two labels of a-z, 0-9 and hyphens, each 1 to 63 characters and ' +
        `not starting or ending with a hyphen, at most ${MAX_NAMESPACE_LENGTH} characters in all (room for <version>.<service>. before it), got ${quote(name)}`,
    );
  }

  /**
   * Validates one service of `mesh.services`; `services` are the names of them all, `rollout` the
   * strategy of the Service Connect backend when it renders them.
   */
  private service(name: string, value: unknown, services: string[], rollout: RolloutStrategy | undefined): void {
    const path = prop('mesh.services', name);
    if (!SERVICE_NAME.test(name)) {
      this.report(path, `service name must match ${SERVICE_NAME}, got ${quote(name)}`);
    } else if (name === INGRESS_NAME) {
      this.report(path, `service name '${INGRESS_NAME}' is taken by the mesh ingress (${INGRESS_NAME}.<namespace>), got ${quote(name)}`);
    }
    const service = this.object(path, value, true);
    if (!service) return;

    // Only the task's own Envoy ports are ruled out. Services may share a port number: in awsvpc
    // mode every task has its own network interface, and callers reach a service by its name.
    this.port(prop(path, 'port'), service.port, true);
    const weights = this.versions(prop(path, 'versions'), service.versions);
    if (weights && rollout) {
      const result = serviceConnectRollout(weights, rollout);
      if (isRolloutProblem(result)) this.report(`${path}.${result.field}`, result.message);
    }
    this.calls(prop(path, 'calls'), service.calls, name, services);

    const healthPath = prop(path, 'healthCheckPath');
    const healthCheckPath = this.string(healthPath, service.healthCheckPath, false);
    if (healthCheckPath !== undefined && !isUnresolved(healthCheckPath) && !/^\/\S*$/.test(healthCheckPath)) {
      this.report(healthPath, `must start with '/' and contain no whitespace, got ${quote(healthCheckPath)}`);
    }

    // The whole request's limit first: each try's limit is checked against it.
    const timeoutMs = this.integer(prop(path, 'timeoutMs'), service.timeoutMs, { min: 1, max: MAX_TIMEOUT_MS });
    const timeout =
      service.timeoutMs === undefined
        ? { ms: DEFAULT_TIMEOUT_MS, text: `${DEFAULT_TIMEOUT_MS}, the default` }
        : timeoutMs !== undefined
          ? { ms: timeoutMs, text: String(timeoutMs) }
          : undefined;
    this.retries(prop(path, 'retries'), service.retries, timeout);
    this.circuitBreaker(prop(path, 'circuitBreaker'), service.circuitBreaker);
  }

  /**
   * Validates a service's versions one by one, then that their weights sum to 100. Returns the
   * weights when they are all resolved and valid, and sum to 100.
   */
  private versions(path: string, value: unknown): { name: string; weight: number }[] | undefined {
    const versions = this.object(path, value, true);
    if (!versions) return undefined;
    const entries = Object.entries(versions);
    if (entries.length === 0) {
      this.report(path, 'must declare at least one version, got {}');
      return undefined;
    }
    const weights = entries.map(([name, version]) => ({ name, weight: this.version(prop(path, name), name, version) }));

    // Only resolved, valid weights can be summed: the others are reported above, or are tokens.
    if (weights.some((w) => w.weight === undefined)) return undefined;
    const sum = weights.reduce((total, w) => total + w.weight!, 0);
    if (sum !== 100) {
      const each = weights.map((w) => `${isIdentifier(w.name) ? w.name : quote(w.name)}: ${w.weight}`).join(', ');
      this.report(path, `weights must sum to 100, got ${sum} (${each})`);
      return undefined;
    }
    return weights as { name: string; weight: number }[];
  }

  /** Validates one version; returns its weight when it is a resolved, valid integer. */
  private version(path: string, name: string, value: unknown): number | undefined {
    if (!VERSION_NAME.test(name)) {
      this.report(path, `version name must match ${VERSION_NAME}, got ${quote(name)}`);
    }
    const version = this.object(path, value, true);
    if (!version) return undefined;

    this.image(prop(path, 'image'), version.image);
    const weight = this.integer(prop(path, 'weight'), version.weight, { min: 0, max: 100, required: true });
    const desiredCount = this.integer(prop(path, 'desiredCount'), version.desiredCount, { min: 0, max: 100 });
    this.taskSize(path, version.cpu, version.memoryMiB);
    this.environment(prop(path, 'environment'), version.environment);
    const tasks = version.desiredCount === undefined ? DEFAULT_DESIRED_COUNT : desiredCount;
    this.autoscaling(prop(path, 'autoscaling'), version.autoscaling, tasks);
    return weight;
  }

  private image(path: string, value: unknown): void {
    const image = this.string(path, value, true);
    if (image === undefined || isUnresolved(image)) return;
    if (!/^\S+$/.test(image)) {
      this.report(path, `must be non-empty and contain no whitespace, got ${quote(image)}`);
    } else if (!IMAGE_REFERENCE.test(image)) {
      this.report(path, `must be an image reference: ${IMAGE_REFERENCE_SHAPE}, got ${quote(image)}`);
    } else {
      // A tag is a ':' after the last '/' (a ':' before it is a registry's port); a digest follows '@'.
      const name = image.split('@')[0]!;
      const tagged = name.slice(name.lastIndexOf('/') + 1).includes(':');
      if (!tagged && !image.includes('@')) {
        this.report(
          path,
          "must name a tag or a digest ('repository:tag' or 'repository@sha256:<digest>'): an untagged image " +
            `means :latest, which makes deploys unrepeatable, got ${quote(image)}`,
        );
      }
    }
  }

  /** A version's `cpu`, and its `memoryMiB` against Fargate's sizes for that cpu (defaults applied). */
  private taskSize(path: string, cpuValue: unknown, memoryValue: unknown): void {
    if (isUnresolved(cpuValue)) return;
    const cpuPath = prop(path, 'cpu');
    const cpu = cpuValue === undefined ? DEFAULT_CPU : cpuValue;
    const sizes = typeof cpu === 'number' ? FARGATE_TASK_SIZES.get(cpu) : undefined;
    if (!sizes) {
      const allowed = [...FARGATE_TASK_SIZES.keys()].join(', ');
      this.report(cpuPath, `must be one of ${allowed} (Fargate CPU units), got ${show(cpuValue)}`);
      return;
    }

    if (isUnresolved(memoryValue)) return;
    const memoryPath = prop(path, 'memoryMiB');
    const memory = memoryValue === undefined ? DEFAULT_MEMORY_MIB : memoryValue;
    if (typeof memory === 'number' && sizes.memoryMiB.includes(memory)) return;
    const whichCpu = cpuValue === undefined ? `the default cpu ${cpu}` : `cpu ${cpu}`;
    const forCpu = `a size Fargate allows for ${whichCpu} (${sizes.text})`;
    this.report(
      memoryPath,
      memoryValue === undefined
        ? `defaults to ${DEFAULT_MEMORY_MIB}, which is not ${forCpu}, got undefined`
        : `must be ${forCpu}, got ${show(memoryValue)}`,
    );
  }

  private environment(path: string, value: unknown): void {
    const environment = this.object(path, value, false);
    for (const [name, variable] of Object.entries(environment ?? {})) {
      const variablePath = prop(path, name);
      if (!ENV_VAR_NAME.test(name)) {
        this.report(variablePath, `variable name must match ${ENV_VAR_NAME}, got ${quote(name)}`);
      }
      if (PROXY_ENV_VARS.includes(name)) {
        this.report(
          variablePath,
          `must not be set: it is the Envoy proxy's variable, which the mesh sets, got ${show(variable)}`,
        );
      }
      this.string(variablePath, variable, true);
    }
  }

  /** `tasks` is the version's desiredCount (its default applied), the default of minCapacity. */
  private autoscaling(path: string, value: unknown, tasks: number | undefined): void {
    const autoscaling = this.object(path, value, false);
    if (!autoscaling) return;
    const max = this.integer(prop(path, 'maxCapacity'), autoscaling.maxCapacity, { min: 1, max: 1000, required: true });
    const minPath = prop(path, 'minCapacity');
    this.integer(minPath, autoscaling.minCapacity, {
      min: 0,
      max: max ?? 1000,
      ...(max !== undefined ? { text: `an integer from 0 to maxCapacity (${max})` } : {}),
    });
    if (autoscaling.minCapacity === undefined && max !== undefined && tasks !== undefined && tasks > max) {
      this.report(
        minPath,
        `defaults to desiredCount (${tasks}), which is more than maxCapacity (${max}), got undefined`,
      );
    }
    this.integer(prop(path, 'targetCpuPercent'), autoscaling.targetCpuPercent, { min: 10, max: 90 });
  }

  /** A service's calls: names of the other services, once each. */
  private calls(path: string, value: unknown, self: string, services: string[]): void {
    if (value === undefined) return;
    if (!Array.isArray(value)) {
      this.report(path, `must be an array of service names, got ${show(value)}`);
      return;
    }
    // Array.from: holes become undefined, so that forEach visits (and reports) them.
    const calls = Array.from(value as unknown[]);
    calls.forEach((call, index) => {
      const callPath = item(path, index);
      const name = this.string(callPath, call, true);
      if (name === undefined) return;
      const first = calls.indexOf(name);
      if (first < index) {
        this.report(callPath, `${quote(name)} is already listed at ${item('calls', first)}`);
      } else if (name === self) {
        this.report(callPath, `${quote(name)} is the service itself (a service may not call itself)`);
      } else if (!services.includes(name)) {
        this.report(
          callPath,
          `${quote(name)} is not a service in mesh.services (known: ${services.join(', ') || 'none'})`,
        );
      }
    });
  }

  /** `timeout` is the service's whole-request limit, when it is known, and how it reads. */
  private retries(path: string, value: unknown, timeout: { ms: number; text: string } | undefined): void {
    const retries = this.object(path, value, false);
    if (!retries) return;
    this.integer(prop(path, 'attempts'), retries.attempts, { min: 0, max: 10 });
    const perTryPath = prop(path, 'perTryTimeoutMs');
    const perTry = this.integer(perTryPath, retries.perTryTimeoutMs, { min: 1, max: MAX_TIMEOUT_MS });
    if (perTry !== undefined && timeout !== undefined && perTry > timeout.ms) {
      this.report(perTryPath, `must be at most timeoutMs (${timeout.text}), got ${perTry}`);
    }
  }

  private circuitBreaker(path: string, value: unknown): void {
    const breaker = this.object(path, value, false);
    if (!breaker) return;
    this.integer(prop(path, 'maxServerErrors'), breaker.maxServerErrors, POSITIVE_INTEGER);
    this.integer(prop(path, 'intervalSeconds'), breaker.intervalSeconds, POSITIVE_INTEGER);
    this.integer(prop(path, 'ejectSeconds'), breaker.ejectSeconds, POSITIVE_INTEGER);
    this.integer(prop(path, 'maxEjectionPercent'), breaker.maxEjectionPercent, { min: 0, max: 100 });
  }

  // --- cost ---

  /** Validates `cost`; `throttles` are the stage's and the rate plans' limits, as the api section read them. */
  private cost(value: unknown, throttles: ThrottleLimits[]): void {
    const cost = this.object('cost', value, true);
    if (!cost) return;

    this.number('cost.monthlyBudgetUsd', cost.monthlyBudgetUsd, {
      min: 0,
      minIncluded: false,
      max: MAX_MONTHLY_BUDGET_USD,
      text: `a positive number of US dollars, at most ${MAX_MONTHLY_BUDGET_USD}`,
      required: true,
    });

    // Recipients: e-mail addresses, a topic, or both, but not neither (an empty list is no address).
    this.alertEmails('cost.alertEmails', cost.alertEmails);
    const topicArn = this.string('cost.alertTopicArn', cost.alertTopicArn, false);
    if (topicArn !== undefined && !isUnresolved(topicArn) && !SNS_TOPIC_ARN.test(topicArn)) {
      this.report('cost.alertTopicArn', `must be an SNS topic ARN (${SNS_TOPIC_ARN_SHAPE}), got ${quote(topicArn)}`);
    }
    const noEmails =
      cost.alertEmails === undefined || (Array.isArray(cost.alertEmails) && cost.alertEmails.length === 0);
    if (noEmails && cost.alertTopicArn === undefined) {
      this.report('cost', 'needs alertEmails or alertTopicArn (someone must hear the alarms), got neither');
    }

    this.actualThresholds('cost.actualThresholdsPercent', cost.actualThresholdsPercent);
    this.number('cost.forecastThresholdPercent', cost.forecastThresholdPercent, PERCENT_OF_BUDGET);

    const prices = this.object('cost.prices', cost.prices, false);
    if (prices) {
      for (const [name, unit] of Object.entries(UNIT_PRICES)) {
        this.number(prop('cost.prices', name), prices[name], {
          min: 0,
          max: Number.MAX_VALUE,
          text: `a finite number of ${unit}, at least 0`,
        });
      }
    }

    const spendAlarm = this.object('cost.spendAlarm', cost.spendAlarm, false);
    if (spendAlarm) {
      this.number('cost.spendAlarm.burstFactor', spendAlarm.burstFactor, {
        min: 1,
        max: 1000,
        text: 'a number from 1 to 1000',
      });
      this.integer('cost.spendAlarm.evaluationHours', spendAlarm.evaluationHours, { min: 1, max: 24 });
    }

    this.integer('cost.warnWhenKeysCanExhaustBudget', cost.warnWhenKeysCanExhaustBudget, { min: 1, max: 10_000 });
    this.breaker(cost.breaker, throttles);
  }

  /** `cost.alertEmails`: e-mail addresses, once each, no more than a budget notification's subscribers. */
  private alertEmails(path: string, value: unknown): void {
    if (value === undefined) return;
    if (!Array.isArray(value)) {
      this.report(path, `must be an array of e-mail addresses, got ${show(value)}`);
      return;
    }
    // Array.from: holes become undefined, so that forEach visits (and reports) them.
    const emails = Array.from(value as unknown[]);
    // Mail systems treat addresses without regard to case: 'Ops@x.com' is 'ops@x.com' again.
    const seen = new Map<string, number>();
    emails.forEach((entry, index) => {
      const entryPath = item(path, index);
      const email = this.string(entryPath, entry, true);
      if (email === undefined) return;
      if (!isUnresolved(email) && !EMAIL_ADDRESS.test(email)) {
        this.report(entryPath, `must be an e-mail address (something@domain.tld, no spaces), got ${quote(email)}`);
        return;
      }
      const first = seen.get(email.toLowerCase());
      if (first !== undefined) {
        this.report(entryPath, `${quote(email)} is already listed at ${item('alertEmails', first)}`);
      } else {
        seen.set(email.toLowerCase(), index);
      }
    });
    if (emails.length > MAX_EMAIL_SUBSCRIBERS) {
      this.report(
        path,
        `must list at most ${MAX_EMAIL_SUBSCRIBERS} addresses (AWS Budgets allows ${MAX_EMAIL_SUBSCRIBERS} ` +
          `e-mail subscribers per notification), got ${emails.length} addresses`,
      );
    }
  }

  /** `cost.actualThresholdsPercent`: percentages, once each, within the budget's notifications. */
  private actualThresholds(path: string, value: unknown): void {
    const thresholds = this.array(path, value, false, 'a non-empty array of percentages of the budget');
    if (!thresholds) return;
    const seen = new Map<number, number>();
    thresholds.forEach((threshold, index) => {
      const entryPath = item(path, index);
      const percent = this.number(entryPath, threshold, { ...PERCENT_OF_BUDGET, required: true });
      if (percent === undefined) return;
      const first = seen.get(percent);
      if (first !== undefined) {
        this.report(entryPath, `${percent} is already listed at ${item('actualThresholdsPercent', first)}`);
      } else {
        seen.set(percent, index);
      }
    });
    const max = MAX_BUDGET_NOTIFICATIONS - OTHER_BUDGET_NOTIFICATIONS;
    if (thresholds.length > max) {
      this.report(
        path,
        `must list at most ${max} thresholds (AWS Budgets allows ${MAX_BUDGET_NOTIFICATIONS} notifications per ` +
          `budget, and the forecast takes ${OTHER_BUDGET_NOTIFICATIONS}), got ${show(thresholds)}`,
      );
    }
  }

  /** `cost.breaker`: its floor must be a throttle no higher than any of `throttles` (the stage's and the plans'). */
  private breaker(value: unknown, throttles: ThrottleLimits[]): void {
    const breaker = this.object('cost.breaker', value, false);
    if (!breaker) return;

    const floor = this.throttle('cost.breaker.floor', breaker.floor, true);
    for (const field of ['rateLimit', 'burstLimit'] as const) {
      const limit = floor?.[field];
      const lowest = lowestLimit(throttles, field);
      if (floor && limit !== undefined && lowest && limit > lowest.value) {
        this.report(
          prop(floor.path, field),
          `must be at most every rate plan's and the stage's ${field} (lowest: ${lowest.path} = ${lowest.value}), ` +
            `got ${limit}`,
        );
      }
    }

    this.number('cost.breaker.tripOnBudgetPercent', breaker.tripOnBudgetPercent, PERCENT_OF_BUDGET);
  }
}
