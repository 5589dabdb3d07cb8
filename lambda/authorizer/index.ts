/**
 * API Gateway (REST) Lambda authorizer for JWTs from any OIDC issuer, for TOKEN and REQUEST events.
 *
 * A valid token gets a policy that allows the stage and denies each ROUTE_SCOPES route whose
 * scopes it lacks (see policy.ts), with principalId = `sub` and context { sub, scope, client_id }.
 * Anything else throws `Error('Unauthorized')`, which API Gateway answers with 401, after logging
 * one JSON line with a reason code (never the token).
 *
 * Configuration (config.ts) is read once per cold start. A broken configuration does not fail the
 * init (Lambda would then answer 500 and retry the init on every request); it is logged once and
 * every request is rejected as Unauthorized.
 */
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent, APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import {
  FailedAssertionError,
  FetchError,
  JwkValidationError,
  JwksValidationError,
  JwtExpiredError,
  JwtInvalidAudienceError,
  JwtInvalidClaimError,
  JwtInvalidIssuerError,
  JwtInvalidSignatureAlgorithmError,
  JwtInvalidSignatureError,
  JwtNotBeforeError,
  JwtParseError,
  JwtWithoutValidKidError,
  KidNotFoundInJwksError,
  WaitPeriodNotYetEndedJwkError,
} from 'aws-jwt-verify/error';
import { JwtVerifier } from 'aws-jwt-verify/jwt-verifier';
import { type AuthorizerConfig, loadConfig } from './config';
import { FetchOnceJwksCache } from './jwks-cache';
import { buildPolicy, parseMethodArn, tokenScopes } from './policy';

export type AuthorizerEvent = APIGatewayTokenAuthorizerEvent | APIGatewayRequestAuthorizerEvent;

/** A rejection with the reason code to log. */
class Rejection extends Error {
  constructor(
    public readonly reason: string,
    public readonly detail?: string,
  ) {
    super(reason);
  }
}

/** Claims aws-jwt-verify treats as optional but this authorizer requires. */
function requireClaims({ payload }: { payload: Record<string, unknown> }): void {
  if (typeof payload.exp !== 'number') throw new Rejection('claim_missing', 'exp');
  if (typeof payload.sub !== 'string' || payload.sub === '') throw new Rejection('claim_missing', 'sub');
}

function createVerifier(config: AuthorizerConfig) {
  return JwtVerifier.create(
    {
      issuer: config.issuer,
      audience: [...config.audience],
      jwksUri: config.jwksUri,
      customJwtCheck: requireClaims,
    },
    { jwksCache: new FetchOnceJwksCache() },
  );
}

function log(level: 'WARN' | 'ERROR', fields: Record<string, unknown>): void {
  const line = JSON.stringify({ level, logger: 'jwt-authorizer', ...fields });
  if (level === 'WARN') console.warn(line);
  else console.error(line);
}

type State =
  | { readonly ok: true; readonly config: AuthorizerConfig; readonly verifier: ReturnType<typeof createVerifier> }
  | { readonly ok: false; readonly error: string };

function init(): State {
  try {
    const config = loadConfig(process.env);
    return { ok: true, config, verifier: createVerifier(config) };
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    log('ERROR', { msg: 'invalid configuration; every request will be rejected', reason: 'config_invalid', detail: error });
    return { ok: false, error };
  }
}

/** Read once per cold start. */
const state = init();

/** The Authorization value: the TOKEN event's token, or the REQUEST event's header (any case). */
function authorizationValue(event: AuthorizerEvent): string | undefined {
  const loose = event as Partial<APIGatewayTokenAuthorizerEvent> & Partial<APIGatewayRequestAuthorizerEvent>;
  if (typeof loose.authorizationToken === 'string') return loose.authorizationToken;
  const headers = loose.headers ?? {};
  const names = Object.keys(headers).filter((name) => name.toLowerCase() === 'authorization');
  if (names.length > 1) throw new Rejection('token_ambiguous');
  return names.length === 1 ? headers[names[0]] : undefined;
}

function bearerToken(event: AuthorizerEvent): string {
  const value = authorizationValue(event);
  if (!value) throw new Rejection('token_missing');
  const match = /^Bearer +(\S+) *$/i.exec(value);
  if (!match) throw new Rejection('token_not_bearer');
  return match[1];
}

/** A reason code (and, where it cannot contain any part of the token, a detail) for the log. */
function classify(err: unknown): { reason: string; detail?: string } {
  if (err instanceof Rejection) return { reason: err.reason, detail: err.detail };
  if (err instanceof JwtParseError || err instanceof JwtWithoutValidKidError) return { reason: 'token_malformed' };
  if (err instanceof JwtInvalidSignatureAlgorithmError) return { reason: 'alg_not_allowed' };
  if (err instanceof JwtInvalidSignatureError) return { reason: 'signature_invalid' };
  if (err instanceof JwtExpiredError) return { reason: 'token_expired' };
  if (err instanceof JwtNotBeforeError) return { reason: 'token_not_yet_valid' };
  if (err instanceof JwtInvalidIssuerError) return { reason: 'issuer_invalid' };
  if (err instanceof JwtInvalidAudienceError) return { reason: 'audience_invalid' };
  if (err instanceof JwtInvalidClaimError) return { reason: 'claim_invalid' };
  if (err instanceof KidNotFoundInJwksError) return { reason: 'kid_unknown' };
  if (err instanceof WaitPeriodNotYetEndedJwkError) return { reason: 'jwks_backoff' };
  if (err instanceof FetchError || err instanceof JwksValidationError) {
    return { reason: 'jwks_unavailable', detail: err.message };
  }
  if (err instanceof JwkValidationError || err instanceof FailedAssertionError) return { reason: 'jwk_unusable' };
  // node:crypto refusing the signature, e.g. an RS256 header on an EC key, or a signature of the wrong length.
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^ERR_(CRYPTO|OSSL)_/.test(code)) return { reason: 'signature_unverifiable', detail: code };
  return { reason: 'internal_error', detail: err instanceof Error ? err.name : typeof err };
}

export const handler = async (event: AuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
  const methodArn: unknown = event?.methodArn;
  try {
    if (!state.ok) throw new Rejection('config_invalid', state.error);
    const stage = parseMethodArn(methodArn);
    if (!stage) throw new Rejection('method_arn_invalid');
    const token = bearerToken(event);
    const payload = await state.verifier.verify(token);

    const sub = payload.sub as string; // required by requireClaims
    const scopes = tokenScopes(payload);
    const scopeSet = new Set(scopes);
    const clientId = [payload.client_id, payload.azp].find((c): c is string => typeof c === 'string') ?? '';
    // No log line for an allowed call: the stage's access log records every request with its
    // principal and client (cached authorizations included), and a line here cost about half as much
    // as the signature check itself (bench/RESULTS.md).
    return {
      principalId: sub,
      policyDocument: buildPolicy(stage, state.config.routes, scopeSet),
      context: { sub, scope: scopes.join(' '), client_id: clientId },
    };
  } catch (err) {
    const { reason, detail } = classify(err);
    log('WARN', { msg: 'unauthorized', reason, ...(detail !== undefined ? { detail } : {}), methodArn });
    throw new Error('Unauthorized');
  }
};
