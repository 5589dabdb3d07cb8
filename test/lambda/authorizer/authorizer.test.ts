/**
 * End-to-end behaviour of the shipped authorizer: lambda/authorizer/index.ts bundled by esbuild and
 * run in child `node` processes (one per configuration, cold-started once), verifying tokens signed
 * with keys made at test time against a JWKS served over HTTPS on 127.0.0.1 by a certificate made
 * at test time and trusted through NODE_EXTRA_CA_CERTS.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AuthorizerProcess, writeHarness, type Invocation } from './helpers/authorizer-process';
import { bundleAuthorizer } from './helpers/bundle';
import { invokeDecision } from './helpers/iam';
import { createSelfSignedCert, JwksServer, type SelfSignedCert } from './helpers/servers';
import { b64url, generateSigningKey, nowSeconds, signHs256, signJwt, TokenFactory, unsignedJwt, type SigningKey } from './helpers/tokens';
import { unusedPort } from '../../net';

const PREFIX = 'arn:aws:execute-api:eu-west-1:123456789012:abc123defg';
const AUDIENCE = 'orders-api';
const ROUTES: Record<string, string[]> = {
  'GET /': [],
  'GET /orders': ['orders:read'],
  'POST /orders': ['orders:write'],
  'GET /orders/{id}': ['orders:read'],
  'DELETE /orders/{id}': ['orders:write', 'orders:admin'],
  'ANY /inventory/{proxy+}': [],
  'ANY /admin/{proxy+}': ['admin'],
  'PUT /profile': ['profile'],
};

/** The method ARN API Gateway sends for a request. */
const methodArn = (method: string, requestPath: string, stage = 'prod'): string => `${PREFIX}/${stage}/${method}${requestPath}`;

const tokenEvent = (authorizationToken: string, method = 'GET', requestPath = '/orders') => ({
  type: 'TOKEN',
  authorizationToken,
  methodArn: methodArn(method, requestPath),
});

const requestEvent = (headers: Record<string, string> | null, method = 'GET', requestPath = '/orders') => ({
  type: 'REQUEST',
  methodArn: methodArn(method, requestPath),
  resource: requestPath,
  path: requestPath,
  httpMethod: method,
  headers,
  multiValueHeaders: headers && Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
  pathParameters: null,
  queryStringParameters: null,
  multiValueQueryStringParameters: null,
  stageVariables: null,
  requestContext: {},
});

type LogRecord = Record<string, unknown>;

/** Every log line is one JSON object. */
function records(invocation: { logs: { line: string }[] }): LogRecord[] {
  return invocation.logs.map(({ line }) => {
    expect(line).not.toContain('\n');
    return JSON.parse(line) as LogRecord;
  });
}

/** The invocation threw exactly `new Error('Unauthorized')`, after logging one line with `reason`. */
function expectUnauthorized(invocation: Invocation, reason: string): LogRecord {
  if (invocation.ok) {
    throw new Error(`expected Unauthorized (${reason}), got ${JSON.stringify(invocation.result)}`);
  }
  expect(invocation.error).toEqual({ isError: true, exactlyError: true, name: 'Error', message: 'Unauthorized', ownProperties: [] });
  const logged = records(invocation);
  expect(logged).toHaveLength(1);
  expect(logged[0]).toMatchObject({ level: 'WARN', msg: 'unauthorized', reason });
  return logged[0];
}

function expectAllowed(invocation: Invocation): Extract<Invocation, { ok: true }> {
  if (!invocation.ok) {
    throw new Error(`expected a policy, got ${JSON.stringify(invocation.error)}: ${JSON.stringify(invocation.logs)}`);
  }
  return invocation;
}

/** Neither the token nor any of its parts appears in the logs. */
function expectTokenNotLogged(invocation: Invocation, token: string): void {
  const logs = invocation.logs.map((l) => l.line).join('\n');
  for (const part of [token, ...token.split('.')].filter((p) => p.length >= 8)) {
    expect(logs).not.toContain(part);
  }
}

let dir: string;
let cert: SelfSignedCert;
let harness: string;
let server: JwksServer;
let rsa: SigningKey;
let ec: SigningKey;
/** Same kid as `rsa`, but not the published key. */
let impostor: SigningKey;
/** A kid the JWKS does not have. */
let unpublished: SigningKey;
const processes: AuthorizerProcess[] = [];

async function startAuthorizer(env: Record<string, string | undefined>, trustTestCa = true): Promise<AuthorizerProcess> {
  const proc = await AuthorizerProcess.start(harness, {
    ...env,
    NODE_EXTRA_CA_CERTS: trustTestCa ? cert.certFile : undefined,
  });
  processes.push(proc);
  return proc;
}

/** JWT_* for an issuer served at `/<name>` of the test server (JWKS from the default location). */
const issuerOf = (name: string): string => `${server.origin}/${name}`;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'authorizer-e2e-'));
  cert = createSelfSignedCert(dir);
  bundleAuthorizer(dir);
  harness = writeHarness(dir);
  rsa = generateSigningKey('RS256', 'rsa-1');
  ec = generateSigningKey('ES256', 'ec-1', false); // a JWK without alg
  impostor = generateSigningKey('RS256', 'rsa-1');
  unpublished = generateSigningKey('ES256', 'ec-unpublished');
  const jwks = { keys: [rsa.jwk, ec.jwk] };
  server = await JwksServer.start(cert);
  for (const name of ['main', 'count', 'untrusted', 'broken']) server.on(name, { kind: 'jwks', jwks });
  server.on('hang', { kind: 'hang' });
  server.on('status500', { kind: 'status', status: 500 });
  server.on('garbage', { kind: 'body', body: '<html>not a JWKS</html>' });
});

afterAll(async () => {
  await Promise.all(processes.map((p) => p.stop()));
  await server?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('a valid token', () => {
  let authorizer: AuthorizerProcess;
  let tokens: TokenFactory;

  beforeAll(async () => {
    // The issuer has a trailing slash: the JWKS comes from <issuer>/.well-known/jwks.json, no "//".
    tokens = new TokenFactory(`${issuerOf('main')}/`, AUDIENCE);
    authorizer = await startAuthorizer({
      JWT_ISSUER: `${issuerOf('main')}/`,
      JWT_AUDIENCE: `other-api,${AUDIENCE}`,
      ROUTE_SCOPES: JSON.stringify(ROUTES),
    });
  });

  test('the bundle loads without error and exports handler', () => {
    // GIVEN the cold-started bundle  THEN it loaded cleanly, quietly, and handler is a function
    expect(authorizer.ready).toMatchObject({ ready: true, initLogs: [], handlerType: 'function' });
    expect(authorizer.ready.initError).toBeUndefined();
  });

  test('RS256, TOKEN event: Allow on the stage, Deny on the routes its scopes lack, principal and context', async () => {
    // GIVEN a token with orders:read
    const token = tokens.token(rsa, { scope: 'orders:read' });

    // WHEN GET /orders is authorized
    const invocation = expectAllowed(await authorizer.invoke(tokenEvent(`Bearer ${token}`)));

    // THEN the policy allows the stage and denies each route needing a scope other than orders:read
    expect(invocation.result).toEqual({
      principalId: 'user-123',
      policyDocument: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 'execute-api:Invoke', Resource: [`${PREFIX}/prod/*`] },
          {
            Effect: 'Deny',
            Action: 'execute-api:Invoke',
            Resource: [`${PREFIX}/prod/POST/orders`, `${PREFIX}/prod/DELETE/orders/*`, `${PREFIX}/prod/*/admin/*`, `${PREFIX}/prod/PUT/profile`],
          },
        ],
      },
      context: { sub: 'user-123', scope: 'orders:read', client_id: 'client-abc' },
    });
    // AND nothing is logged: the stage's access log records allowed calls
    expect(records(invocation)).toEqual([]);
    expectTokenNotLogged(invocation, token);
  });

  test('a token with orders:read gets Deny on POST /orders but not on GET /orders', async () => {
    // GIVEN a token with orders:read
    const token = tokens.token(rsa, { scope: 'orders:read' });
    // WHEN its policy is fetched for GET /orders
    const { result } = expectAllowed(await authorizer.invoke(tokenEvent(`Bearer ${token}`)));
    // THEN POST /orders is explicitly denied and GET /orders is not
    const denied = result.policyDocument.Statement.filter((s) => s.Effect === 'Deny').flatMap((s) => ('Resource' in s ? [s.Resource].flat() : []));
    expect(denied).toContain(methodArn('POST', '/orders'));
    expect(denied).not.toContain(methodArn('GET', '/orders'));
    expect(invokeDecision(result.policyDocument, methodArn('POST', '/orders'))).toBe('ExplicitDeny');
    expect(invokeDecision(result.policyDocument, methodArn('GET', '/orders'))).toBe('Allow');
  });

  test('ES256 with a JWK that has no alg, several scopes, aud as an array, azp as client', async () => {
    // GIVEN an ES256 token carrying every scope, an audience list and azp instead of client_id
    const token = tokens.token(ec, {
      scope: 'orders:read orders:write orders:admin admin profile',
      aud: ['someone-else', AUDIENCE],
      client_id: undefined,
      azp: 'client-from-azp',
    });

    // WHEN authorized
    const { result } = expectAllowed(await authorizer.invoke(tokenEvent(`Bearer ${token}`, 'DELETE', '/orders/42')));

    // THEN nothing is denied, and the context carries the scopes and azp
    expect(result.policyDocument.Statement).toEqual([{ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: [`${PREFIX}/prod/*`] }]);
    expect(result.context).toEqual({
      sub: 'user-123',
      scope: 'orders:read orders:write orders:admin admin profile',
      client_id: 'client-from-azp',
    });
  });

  test('scopes from scp (array) count; context values are all strings, client_id empty when absent', async () => {
    // GIVEN a token with its scopes in scp only, and neither client_id nor azp
    const token = tokens.token(rsa, { scp: ['orders:write', 'profile'], client_id: undefined });

    // WHEN authorized
    const { result } = expectAllowed(await authorizer.invoke(tokenEvent(`Bearer ${token}`)));

    // THEN the scp scopes open POST /orders and PUT /profile, and the context is strings only
    expect(invokeDecision(result.policyDocument, methodArn('POST', '/orders'))).toBe('Allow');
    expect(invokeDecision(result.policyDocument, methodArn('PUT', '/profile'))).toBe('Allow');
    expect(invokeDecision(result.policyDocument, methodArn('GET', '/orders'))).toBe('ExplicitDeny');
    expect(result.context).toEqual({ sub: 'user-123', scope: 'orders:write profile', client_id: '' });
    expect(Object.values(result.context ?? {}).every((v) => typeof v === 'string')).toBe(true);
  });

  test('the Bearer scheme is case-insensitive', async () => {
    // GIVEN "bearer <token>"  WHEN authorized  THEN allowed
    const token = tokens.token(rsa);
    expect(expectAllowed(await authorizer.invoke(tokenEvent(`bearer ${token}`))).result.principalId).toBe('user-123');
  });

  test.each(['authorization', 'Authorization', 'AUTHORIZATION'])('REQUEST event with the header named %s', async (header) => {
    // GIVEN a REQUEST event whose Authorization header is spelled %s
    const token = tokens.token(rsa, { sub: 'user-456', scope: 'orders:read' });

    // WHEN authorized
    const { result } = expectAllowed(await authorizer.invoke(requestEvent({ [header]: `Bearer ${token}`, accept: '*/*' })));

    // THEN the token is found and verified
    expect(result.principalId).toBe('user-456');
    expect(result.context).toEqual({ sub: 'user-456', scope: 'orders:read', client_id: 'client-abc' });
  });

  describe('a cached policy reused on another route', () => {
    test('the policy for GET /orders, reused on POST /orders, answers right with and without orders:write', async () => {
      // GIVEN policies issued for GET /orders to a reader and to a reader-writer
      const reader = expectAllowed(await authorizer.invoke(tokenEvent(`Bearer ${tokens.token(rsa, { scope: 'orders:read' })}`)));
      const writer = expectAllowed(
        await authorizer.invoke(tokenEvent(`Bearer ${tokens.token(rsa, { scope: 'orders:read orders:write' })}`)),
      );

      // WHEN API Gateway reuses them for POST /orders (route B)
      const post = methodArn('POST', '/orders');

      // THEN the reader is denied and the writer allowed, as if each had been asked for route B
      expect(invokeDecision(reader.result.policyDocument, post)).toBe('ExplicitDeny');
      expect(invokeDecision(writer.result.policyDocument, post)).toBe('Allow');
      // AND both still allow route A
      expect(invokeDecision(reader.result.policyDocument, methodArn('GET', '/orders'))).toBe('Allow');
      expect(invokeDecision(writer.result.policyDocument, methodArn('GET', '/orders'))).toBe('Allow');
    });

    /** Requests of every kind, with the ROUTE_SCOPES route each belongs to (null: not listed). */
    const REQUESTS: Array<[method: string, requestPath: string, route: string | null]> = [
      ['GET', '/', 'GET /'],
      ['GET', '/orders', 'GET /orders'],
      ['POST', '/orders', 'POST /orders'],
      ['GET', '/orders/42', 'GET /orders/{id}'],
      ['DELETE', '/orders/42', 'DELETE /orders/{id}'],
      ['PATCH', '/orders/42', null],
      ['GET', '/inventory/shelf/7', 'ANY /inventory/{proxy+}'],
      ['DELETE', '/inventory/shelf', 'ANY /inventory/{proxy+}'],
      ['POST', '/admin/users/7', 'ANY /admin/{proxy+}'],
      ['GET', '/admin/audit', 'ANY /admin/{proxy+}'],
      ['PUT', '/profile', 'PUT /profile'],
      ['GET', '/profile', null],
      ['GET', '/health', null],
    ];

    test.each([
      [[]],
      [['orders:read']],
      [['orders:read', 'orders:write']],
      [['orders:read', 'orders:write', 'orders:admin']],
      [['orders:write', 'orders:admin']],
      [['admin']],
      [['profile', 'orders:write']],
    ])('scopes %j: the policy issued for any route answers every route as ROUTE_SCOPES says', async (scopes) => {
      // GIVEN a token with these scopes
      const token = tokens.token(rsa, { scope: scopes.join(' ') || undefined });
      const expected = (route: string | null): string =>
        route === null || ROUTES[route].every((s) => scopes.includes(s)) ? 'Allow' : 'ExplicitDeny';

      for (const [methodA, pathA] of REQUESTS) {
        // WHEN its policy is issued for route A
        const { result } = expectAllowed(await authorizer.invoke(tokenEvent(`Bearer ${token}`, methodA, pathA)));

        // THEN reused for every route B, it decides what ROUTE_SCOPES says for B
        const decisions = REQUESTS.map(([methodB, pathB]) => [
          `${methodB} ${pathB}`,
          invokeDecision(result.policyDocument, methodArn(methodB, pathB)),
        ]);
        expect(decisions).toEqual(REQUESTS.map(([methodB, pathB, routeB]) => [`${methodB} ${pathB}`, expected(routeB)]));
        // AND it allows nothing outside its API and stage
        expect(invokeDecision(result.policyDocument, methodArn('GET', '/health', 'test'))).toBe('ImplicitDeny');
        expect(invokeDecision(result.policyDocument, `arn:aws:execute-api:eu-west-1:123456789012:otherapi1/prod/GET/health`)).toBe(
          'ImplicitDeny',
        );
      }
    });
  });

  describe('anything else is exactly Error("Unauthorized"), logged with a reason and without the token', () => {
    const hour = 3600;
    /** [case, Authorization value, reason] built once the keys exist. */
    const cases: Array<[string, () => string, string]> = [
      ['an empty token', () => '', 'token_missing'],
      ['Basic credentials', () => 'Basic dXNlcjpwYXNzd29yZA==', 'token_not_bearer'],
      ['a JWT without "Bearer "', () => tokens.token(rsa), 'token_not_bearer'],
      ['"Bearer" and no token', () => 'Bearer ', 'token_not_bearer'],
      ['two tokens', () => `Bearer ${tokens.token(rsa)} ${tokens.token(rsa)}`, 'token_not_bearer'],
      ['a token that is not a JWT', () => 'Bearer not-a-jwt', 'token_malformed'],
      ['three parts that are not base64 JSON', () => 'Bearer abc.def.ghi', 'token_malformed'],
      ['a header that is not JSON', () => `Bearer ${b64url('{"alg":')}.${tokens.token(rsa).split('.').slice(1).join('.')}`, 'token_malformed'],
      ['no kid', () => `Bearer ${signJwt(rsa, {}, tokens.claims())}`, 'token_malformed'],
      [
        'a tampered payload (more scopes)',
        () => {
          const [header, , signature] = tokens.token(rsa, { scope: 'orders:read' }).split('.');
          return `Bearer ${header}.${b64url(JSON.stringify(tokens.claims({ scope: 'orders:read admin' })))}.${signature}`;
        },
        'signature_invalid',
      ],
      ['a key not in the JWKS, with a published kid', () => `Bearer ${tokens.token(impostor)}`, 'signature_invalid'],
      ['an unknown kid', () => `Bearer ${tokens.token(unpublished)}`, 'kid_unknown'],
      ['alg none, no signature', () => `Bearer ${unsignedJwt({ kid: rsa.kid }, tokens.claims())}`, 'token_malformed'],
      ['alg none, some signature', () => `Bearer ${unsignedJwt({ kid: rsa.kid }, tokens.claims(), 'c2lnbmF0dXJl')}`, 'alg_not_allowed'],
      [
        'HS256 keyed with the RSA public key, kid of the RS256 JWK',
        () => `Bearer ${signHs256(rsa.publicKey.export({ type: 'spki', format: 'pem' }), { kid: rsa.kid }, tokens.claims())}`,
        'alg_not_allowed',
      ],
      ['HS256, kid of the JWK without alg', () => `Bearer ${signHs256('a-shared-secret', { kid: ec.kid }, tokens.claims())}`, 'alg_not_allowed'],
      ['RS256 header on the EC key (its JWK has no alg)', () => `Bearer ${signJwt(rsa, { kid: ec.kid }, tokens.claims())}`, 'signature_unverifiable'],
      ['ES256 with a truncated signature', () => `Bearer ${tokens.token(ec).slice(0, -10)}`, 'signature_unverifiable'],
      ['another issuer', () => `Bearer ${tokens.token(rsa, { iss: 'https://evil.example.com/' })}`, 'issuer_invalid'],
      ['the issuer without its trailing slash', () => `Bearer ${tokens.token(rsa, { iss: issuerOf('main') })}`, 'issuer_invalid'],
      ['another audience', () => `Bearer ${tokens.token(rsa, { aud: 'billing-api' })}`, 'audience_invalid'],
      ['no audience', () => `Bearer ${tokens.token(rsa, { aud: undefined })}`, 'audience_invalid'],
      ['expired', () => `Bearer ${tokens.token(rsa, { iat: nowSeconds() - hour, exp: nowSeconds() - 60 })}`, 'token_expired'],
      ['not yet valid (nbf)', () => `Bearer ${tokens.token(rsa, { nbf: nowSeconds() + 300 })}`, 'token_not_yet_valid'],
      ['no exp', () => `Bearer ${tokens.token(rsa, { exp: undefined })}`, 'claim_missing'],
      ['no sub', () => `Bearer ${tokens.token(rsa, { sub: undefined })}`, 'claim_missing'],
      ['an empty sub', () => `Bearer ${tokens.token(rsa, { sub: '' })}`, 'claim_missing'],
      ['a scope claim that is not a string', () => `Bearer ${tokens.token(rsa, { scope: ['admin'] })}`, 'token_malformed'],
    ];

    test.each(cases)('%s', async (_name, authorization, reason) => {
      // GIVEN an Authorization value that must not pass
      const value = authorization();

      // WHEN it is authorized as a TOKEN event
      const invocation = await authorizer.invoke(tokenEvent(value));

      // THEN Unauthorized, for the expected reason, and the token is not in the log
      expectUnauthorized(invocation, reason);
      expectTokenNotLogged(invocation, value.replace(/^Bearer /, ''));
    });

    test.each<[string, Record<string, string> | null, string]>([
      ['no headers', null, 'token_missing'],
      ['no Authorization header', { accept: '*/*' }, 'token_missing'],
      ['a Basic Authorization header', { authorization: 'Basic dXNlcjpwYXNzd29yZA==' }, 'token_not_bearer'],
    ])('REQUEST event with %s', async (_name, headers, reason) => {
      // GIVEN a REQUEST event without a bearer token  WHEN authorized  THEN Unauthorized
      expectUnauthorized(await authorizer.invoke(requestEvent(headers)), reason);
    });

    test('REQUEST event with two Authorization headers differing in case', async () => {
      // GIVEN a valid token and another value under a differently spelled name
      const event = requestEvent({ Authorization: `Bearer ${tokens.token(rsa)}`, authorization: 'Bearer x.y.z' });
      // WHEN authorized  THEN Unauthorized: which one API Gateway meant is unknown
      expectUnauthorized(await authorizer.invoke(event), 'token_ambiguous');
    });

    test('a valid token with a method ARN that is not one', async () => {
      // GIVEN a valid token and a bogus methodArn
      const event = { ...tokenEvent(`Bearer ${tokens.token(rsa)}`), methodArn: 'arn:aws:lambda:eu-west-1:123456789012:function:x' };
      // WHEN authorized  THEN Unauthorized
      expectUnauthorized(await authorizer.invoke(event), 'method_arn_invalid');
    });

    test('an event that is no authorizer event', async () => {
      // GIVEN null  WHEN authorized  THEN Unauthorized, not a crash
      expectUnauthorized(await authorizer.invoke(null), 'method_arn_invalid');
    });
  });
});

describe('the JWKS', () => {
  test('is fetched once per cold start: concurrent first requests, unknown kids and many verifications later', async () => {
    // GIVEN a fresh authorizer whose issuer has no trailing slash
    const tokens = new TokenFactory(issuerOf('count'), AUDIENCE);
    const authorizer = await startAuthorizer({ JWT_ISSUER: issuerOf('count'), JWT_AUDIENCE: AUDIENCE, ROUTE_SCOPES: '{}' });
    expect(server.hitsUnder('count')).toBe(0);

    // WHEN five requests arrive at once, then unknown kids, bad tokens and many good ones follow
    const first = await Promise.all([1, 2, 3, 4, 5].map(() => authorizer.invoke(tokenEvent(`Bearer ${tokens.token(rsa)}`))));
    first.forEach(expectAllowed);
    for (let i = 0; i < 3; i++) {
      expectUnauthorized(await authorizer.invoke(tokenEvent(`Bearer ${tokens.token(unpublished)}`)), 'kid_unknown');
    }
    expectUnauthorized(await authorizer.invoke(tokenEvent(`Bearer ${tokens.token(impostor)}`)), 'signature_invalid');
    for (let i = 0; i < 20; i++) {
      expectAllowed(await authorizer.invoke(tokenEvent(`Bearer ${tokens.token(i % 2 ? rsa : ec)}`)));
    }
    expectUnauthorized(await authorizer.invoke(tokenEvent(`Bearer ${tokens.token(unpublished)}`)), 'kid_unknown');

    // THEN the JWKS endpoint (default location of an issuer without trailing slash) was hit once
    expect(server.hitsOn('/count/.well-known/jwks.json')).toBe(1);
    expect(server.hitsUnder('count')).toBe(1);
  });

  test('unreachable (closed port): Unauthorized at once, then no new attempt during the back-off', async () => {
    // GIVEN a JWKS_URI on a port nothing listens on
    const tokens = new TokenFactory('https://issuer.example.com', AUDIENCE);
    const authorizer = await startAuthorizer({
      JWT_ISSUER: 'https://issuer.example.com',
      JWT_AUDIENCE: AUDIENCE,
      JWKS_URI: `https://127.0.0.1:${await unusedPort()}/jwks.json`,
      ROUTE_SCOPES: '{}',
    });

    // WHEN a valid-looking token is authorized twice
    const first = await authorizer.invoke(tokenEvent(`Bearer ${tokens.token(rsa)}`));
    const second = await authorizer.invoke(tokenEvent(`Bearer ${tokens.token(rsa)}`));

    // THEN the first fails on the fetch, and the second is refused without trying (penalty box)
    expect(expectUnauthorized(first, 'jwks_unavailable').detail).toMatch(/ECONNREFUSED/);
    expect(first.ms).toBeLessThan(1000);
    expectUnauthorized(second, 'jwks_backoff');
  });

  test('hanging (accepts, never answers): Unauthorized after the ~1.5 s response timeout, then back-off', async () => {
    // GIVEN a JWKS endpoint that accepts requests and never answers
    const tokens = new TokenFactory('https://issuer.example.com', AUDIENCE);
    const authorizer = await startAuthorizer({
      JWT_ISSUER: 'https://issuer.example.com',
      JWT_AUDIENCE: AUDIENCE,
      JWKS_URI: `${server.origin}/hang/jwks.json`,
      ROUTE_SCOPES: '{}',
    });

    // WHEN a token is authorized
    const first = await authorizer.invoke(tokenEvent(`Bearer ${tokens.token(rsa)}`));

    // THEN it is Unauthorized after one request that timed out at about 1.5 s, well within the Lambda's 5 s
    expect(expectUnauthorized(first, 'jwks_unavailable').detail).toMatch(/time-out/i);
    expect(first.ms).toBeGreaterThanOrEqual(1400);
    expect(first.ms).toBeLessThan(2500);
    expect(server.hitsUnder('hang')).toBe(1);

    // WHEN another token comes at once
    const second = await authorizer.invoke(tokenEvent(`Bearer ${tokens.token(rsa)}`));
    // THEN it is refused quickly, without another request
    expectUnauthorized(second, 'jwks_backoff');
    expect(second.ms).toBeLessThan(200);
    expect(server.hitsUnder('hang')).toBe(1);
  });

  test('served with a certificate the process does not trust: Unauthorized (TLS is verified)', async () => {
    // GIVEN an authorizer started without NODE_EXTRA_CA_CERTS
    const tokens = new TokenFactory(issuerOf('untrusted'), AUDIENCE);
    const authorizer = await startAuthorizer({ JWT_ISSUER: issuerOf('untrusted'), JWT_AUDIENCE: AUDIENCE, ROUTE_SCOPES: '{}' }, false);

    // WHEN a valid token is authorized
    const invocation = await authorizer.invoke(tokenEvent(`Bearer ${tokens.token(rsa)}`));

    // THEN the TLS handshake fails and no HTTP request reaches the server
    expect(expectUnauthorized(invocation, 'jwks_unavailable').detail).toMatch(/certificate/);
    expect(server.hitsUnder('untrusted')).toBe(0);
  });

  test.each([
    ['an HTTP 500', 'status500', /Status code is 500/],
    ['a body that is not a JWKS', 'garbage', /JWKS could not be parsed/],
  ])('answering with %s: Unauthorized', async (_name, name, detail) => {
    // GIVEN a JWKS endpoint that answers badly
    const tokens = new TokenFactory('https://issuer.example.com', AUDIENCE);
    const authorizer = await startAuthorizer({
      JWT_ISSUER: 'https://issuer.example.com',
      JWT_AUDIENCE: AUDIENCE,
      JWKS_URI: `${server.origin}/${name}/jwks.json`,
      ROUTE_SCOPES: '{}',
    });
    // WHEN a token is authorized  THEN Unauthorized
    const invocation = await authorizer.invoke(tokenEvent(`Bearer ${tokens.token(rsa)}`));
    expect(expectUnauthorized(invocation, 'jwks_unavailable').detail).toMatch(detail);
    expect(server.hitsUnder(name)).toBe(1);
  });
});

describe('a broken configuration', () => {
  /** Would be a complete, working configuration for tokens from `<server>/broken/`. */
  const working = (): Record<string, string> => ({
    JWT_ISSUER: `${issuerOf('broken')}/`,
    JWT_AUDIENCE: AUDIENCE,
    ROUTE_SCOPES: JSON.stringify(ROUTES),
  });

  test('the working configuration it is broken from does allow the token (control)', async () => {
    // GIVEN the complete configuration  WHEN a valid token is authorized  THEN allowed
    const authorizer = await startAuthorizer(working());
    const token = new TokenFactory(`${issuerOf('broken')}/`, AUDIENCE).token(rsa, { scope: 'orders:read' });
    expectAllowed(await authorizer.invoke(tokenEvent(`Bearer ${token}`)));
    await authorizer.stop();
  });

  test.each<[string, (env: Record<string, string>) => Record<string, string | undefined>]>([
    ['no JWT_ISSUER', (env) => ({ ...env, JWT_ISSUER: undefined })],
    ['no JWT_AUDIENCE', (env) => ({ ...env, JWT_AUDIENCE: undefined })],
    ['no ROUTE_SCOPES', (env) => ({ ...env, ROUTE_SCOPES: undefined })],
    ['ROUTE_SCOPES that is not JSON', (env) => ({ ...env, ROUTE_SCOPES: '{"GET /orders": ["orders:read"' })],
    ['ROUTE_SCOPES with a lower-case method', (env) => ({ ...env, ROUTE_SCOPES: '{"get /orders": ["orders:read"]}' })],
    ['an http JWKS_URI', (env) => ({ ...env, JWKS_URI: `${server.origin.replace('https:', 'http:')}/broken/.well-known/jwks.json` })],
  ])('%s: loads, logs once, and rejects every request as Unauthorized', async (_name, breakIt) => {
    // GIVEN an authorizer cold-started with a broken configuration
    const authorizer = await startAuthorizer(breakIt(working()));
    const token = new TokenFactory(`${issuerOf('broken')}/`, AUDIENCE).token(rsa, { scope: 'orders:read' });
    const hitsBefore = server.hitsUnder('broken');

    // THEN the init did not throw (Lambda would answer 500, not 401) but logged the problem once
    expect(authorizer.ready.initError).toBeUndefined();
    expect(authorizer.ready.handlerType).toBe('function');
    expect(records({ logs: authorizer.ready.initLogs })).toEqual([expect.objectContaining({ level: 'ERROR', reason: 'config_invalid' })]);

    // WHEN valid tokens are authorized, twice
    for (let i = 0; i < 2; i++) {
      // THEN each is Unauthorized, and the JWKS is never fetched
      expectUnauthorized(await authorizer.invoke(tokenEvent(`Bearer ${token}`)), 'config_invalid');
    }
    expect(server.hitsUnder('broken')).toBe(hitsBefore);
    await authorizer.stop();
  });
});
