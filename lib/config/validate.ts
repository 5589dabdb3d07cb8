import { Token } from 'aws-cdk-lib';
import { describeAuth, routeMethods } from './routes';
import type { HttpMethod, PlatformConfig, QuotaPeriod, RouteAuth, RouteConfig } from './types';

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
 * `mesh`. Numbers that are unresolved CDK tokens (for example from a `CfnParameter`), and strings
 * that contain one, are not range- or pattern-checked. The config is not trusted to match its
 * type: a missing or mistyped field is a problem, not a crash.
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

/** Ports the Envoy sidecar listens on itself: outbound and inbound listeners, and its admin interface. */
const ENVOY_RESERVED_PORTS = [15000, 15001, 9901];

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
    this.api(config.api, serviceNames(config.mesh));
    this.mesh(config.mesh);
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

  private throttle(path: string, value: unknown, required: boolean): void {
    const throttle = this.object(path, value, required);
    if (!throttle) return;
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
    }
  }

  private network(value: unknown): void {
    const network = this.object('network', value, false);
    if (!network) return;
    const cidr = this.string('network.cidr', network.cidr, false);
    if (cidr !== undefined && !isUnresolved(cidr)) this.cidr('network.cidr', cidr);
    this.integer('network.natGateways', network.natGateways, {
      min: 0,
      max: MAX_NAT_GATEWAYS,
      text: `an integer from 0 to ${MAX_NAT_GATEWAYS} (the VPC spans two AZs)`,
    });
    this.logRetention('network.flowLogRetentionDays', network.flowLogRetentionDays);
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

  private api(value: unknown, services: string[]): void {
    const api = this.object('api', value, true);
    if (!api) return;
    this.pattern('api.stageName', api.stageName, STAGE_NAME, undefined, false);
    this.throttle('api.throttle', api.throttle, true);
    const auth = this.auth(api.auth);

    // Rate plans refer to the routes' methods, and routes with an API key need a plan: gather
    // both sides before walking either.
    const routes = Array.isArray(api.routes) ? api.routes : [];
    const knownRoutes = this.knownRoutes(routes);
    const planCount = isObject(api.ratePlans) ? Object.keys(api.ratePlans).length : 0;

    // Without routes, every plan method would be unknown: `api.routes` alone is reported then.
    this.ratePlans(api.ratePlans, routes.length > 0 ? knownRoutes : undefined);
    this.routes(api.routes, { services, auth, planCount, knownRoutes });

    this.logRetention('api.accessLogRetentionDays', api.accessLogRetentionDays);
    const waf = this.object('api.waf', api.waf, false);
    if (waf) {
      this.boolean('api.waf.enabled', waf.enabled);
      this.integer('api.waf.ratePerIpPer5Minutes', waf.ratePerIpPer5Minutes, { min: 10, max: 2_000_000_000 });
    }
    this.boolean('api.manageAccountLogRole', api.manageAccountLogRole);
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

  /** Validates `api.ratePlans`; plans' method keys are checked against `knownRoutes` if given. */
  private ratePlans(value: unknown, knownRoutes: KnownRoute[] | undefined): void {
    const plans = this.object('api.ratePlans', value, false);
    if (!plans) return;
    const knownKeys = knownRoutes && [
      ...new Set(routeMethods(knownRoutes.map((r) => r.route)).map((m) => m.key)),
    ];
    const keyOwners = new Map<string, string>();

    for (const [name, planValue] of Object.entries(plans)) {
      const path = prop('api.ratePlans', name);
      if (!PLAN_OR_KEY_NAME.test(name)) {
        this.report(path, `plan name must match ${PLAN_OR_KEY_NAME}, got ${quote(name)}`);
      }
      const plan = this.object(path, planValue, true);
      if (!plan) continue;

      this.throttle(prop(path, 'throttle'), plan.throttle, true);

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
    this.port('mesh.ingressPort', mesh.ingressPort, false);
    const services = this.object('mesh.services', mesh.services, true);
    if (!services) return;
    if (Object.keys(services).length === 0) {
      this.report('mesh.services', 'must declare at least one service, got {}');
    }
    for (const [name, serviceValue] of Object.entries(services)) {
      const path = prop('mesh.services', name);
      if (!SERVICE_NAME.test(name)) {
        this.report(path, `service name must match ${SERVICE_NAME}, got ${quote(name)}`);
      }
      const service = this.object(path, serviceValue, true);
      if (service) this.port(prop(path, 'port'), service.port, true);
    }
  }
}
