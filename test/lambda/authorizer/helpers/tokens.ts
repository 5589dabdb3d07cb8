/**
 * Test-only token minting: keys generated at test time, JWTs signed with node:crypto. (Signing is
 * test code; the authorizer verifies with aws-jwt-verify.)
 */
import { createHmac, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

export type Claims = Record<string, unknown>;

/** An asymmetric signing key and its public JWK. */
export interface SigningKey {
  readonly kid: string;
  readonly alg: 'RS256' | 'ES256';
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** The public key as a JWK, with `kid`, `use` and (if asked for) `alg`. */
  readonly jwk: Record<string, unknown>;
}

/** A fresh RSA (RS256) or P-256 (ES256) key; `withAlg` puts `alg` in the JWK. */
export function generateSigningKey(alg: 'RS256' | 'ES256', kid: string, withAlg = true): SigningKey {
  const { privateKey, publicKey } =
    alg === 'RS256' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk: Record<string, unknown> = { ...publicKey.export({ format: 'jwk' }), kid, use: 'sig' };
  if (withAlg) jwk.alg = alg;
  return { kid, alg, privateKey, publicKey, jwk };
}

export const b64url = (value: string | Buffer): string => Buffer.from(value).toString('base64url');
const b64json = (value: unknown): string => b64url(JSON.stringify(value));

/** `header.payload.signature`, signed with an asymmetric key (RS256 or ES256). */
export function signJwt(key: Pick<SigningKey, 'alg' | 'privateKey'>, header: Claims, payload: Claims): string {
  const input = `${b64json({ alg: key.alg, typ: 'JWT', ...header })}.${b64json(payload)}`;
  const signature =
    key.alg === 'RS256'
      ? sign('sha256', Buffer.from(input), key.privateKey)
      : sign('sha256', Buffer.from(input), { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${b64url(signature)}`;
}

/** An HS256 token (symmetric key): an authorizer must never accept it. */
export function signHs256(secret: string | Buffer, header: Claims, payload: Claims): string {
  const input = `${b64json({ alg: 'HS256', typ: 'JWT', ...header })}.${b64json(payload)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/** An unsigned token (`alg: none`), with the given signature part (default empty). */
export function unsignedJwt(header: Claims, payload: Claims, signature = ''): string {
  return `${b64json({ alg: 'none', typ: 'JWT', ...header })}.${b64json(payload)}.${signature}`;
}

/** Seconds since the epoch. */
export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** Mints tokens for one issuer and audience, valid unless the claims say otherwise. */
export class TokenFactory {
  constructor(
    private readonly issuer: string,
    private readonly audience: string,
  ) {}

  /** Standard valid claims (5 minutes left), overridden by `claims`; an `undefined` value removes a claim. */
  public claims(claims: Claims = {}): Claims {
    const now = nowSeconds();
    const merged: Claims = {
      iss: this.issuer,
      aud: this.audience,
      sub: 'user-123',
      iat: now,
      exp: now + 300,
      client_id: 'client-abc',
      ...claims,
    };
    return Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== undefined));
  }

  public token(key: SigningKey, claims: Claims = {}, header: Claims = {}): string {
    return signJwt(key, { kid: key.kid, ...header }, this.claims(claims));
  }
}
