/**
 * JWKS caching for a Lambda container, built from aws-jwt-verify's parts:
 * - `SimpleJwksCache` fetches (through a {@link Fetcher}), parses, validates and looks up keys, and
 *   shares one in-flight fetch between concurrent callers;
 * - `SimplePenaltyBox` refuses a new fetch for a while after a failed one;
 * - `fetch` from `aws-jwt-verify/https` does the HTTPS GET with a response timeout.
 *
 * What this adds to `SimpleJwksCache`: once a JWKS has been fetched it is never fetched again in
 * this container (SimpleJwksCache would re-fetch for every unknown `kid`), and a failed fetch
 * (network error, time-out, bad status or body) also starts the penalty box, which
 * SimpleJwksCache only does for an unknown `kid`. Signing keys rotated after the fetch are picked
 * up by the next container.
 */
import { fetch, type Fetcher } from 'aws-jwt-verify/https';
import { SimpleJwksCache, SimplePenaltyBox, type Jwks, type JwksCache, type JwkWithKid } from 'aws-jwt-verify/jwk';

/** How long the JWKS endpoint has to answer (the whole response), in milliseconds. */
export const JWKS_RESPONSE_TIMEOUT_MS = 1500;
/** How long after a failed JWKS fetch before another may be tried, in seconds. */
export const JWKS_RETRY_AFTER_SECONDS = 10;

type DecomposedJwt = Parameters<JwksCache['getJwk']>[1];

/**
 * One HTTPS GET per call, with a short response and socket-idle timeout. (aws-jwt-verify's
 * SimpleFetcher retries once at once, which would double the time a hanging endpoint costs.)
 */
export class SingleAttemptFetcher implements Fetcher {
  constructor(private readonly timeoutMs: number = JWKS_RESPONSE_TIMEOUT_MS) {}

  public fetch(uri: string, requestOptions?: Record<string, unknown>, data?: ArrayBuffer): Promise<ArrayBuffer> {
    return fetch(uri, { timeout: this.timeoutMs, responseTimeout: this.timeoutMs, ...requestOptions }, data);
  }
}

/** Properties of a {@link FetchOnceJwksCache}. */
export interface FetchOnceJwksCacheProps {
  /** @default a {@link SingleAttemptFetcher} */
  readonly fetcher?: Fetcher;
  /** @default JWKS_RETRY_AFTER_SECONDS */
  readonly retryAfterSeconds?: number;
}

/** A JWKS cache that fetches each JWKS at most once successfully, and backs off after failures. */
export class FetchOnceJwksCache implements JwksCache {
  private readonly cache: SimpleJwksCache;
  private readonly penaltyBox: SimplePenaltyBox;
  private readonly loaded = new Map<string, Jwks>();
  private readonly loading = new Map<string, Promise<Jwks>>();

  constructor(props: FetchOnceJwksCacheProps = {}) {
    this.penaltyBox = new SimplePenaltyBox({ waitSeconds: props.retryAfterSeconds ?? JWKS_RETRY_AFTER_SECONDS });
    this.cache = new SimpleJwksCache({ fetcher: props.fetcher ?? new SingleAttemptFetcher(), penaltyBox: this.penaltyBox });
  }

  public async getJwk(jwksUri: string, decomposedJwt: DecomposedJwt): Promise<JwkWithKid> {
    await this.getJwks(jwksUri);
    // Throws KidNotFoundInJwksError for a kid the JWKS lacks, without fetching again.
    return this.cache.getCachedJwk(jwksUri, decomposedJwt);
  }

  public getCachedJwk(jwksUri: string, decomposedJwt: DecomposedJwt): JwkWithKid {
    return this.cache.getCachedJwk(jwksUri, decomposedJwt);
  }

  public addJwks(jwksUri: string, jwks: Jwks): void {
    this.cache.addJwks(jwksUri, jwks);
    this.loaded.set(jwksUri, jwks);
    this.penaltyBox.release(jwksUri);
  }

  public getJwks(jwksUri: string): Promise<Jwks> {
    const jwks = this.loaded.get(jwksUri);
    if (jwks) return Promise.resolve(jwks);
    let pending = this.loading.get(jwksUri);
    if (!pending) {
      pending = this.fetchJwks(jwksUri).finally(() => this.loading.delete(jwksUri));
      this.loading.set(jwksUri, pending);
    }
    return pending;
  }

  private async fetchJwks(jwksUri: string): Promise<Jwks> {
    // Throws WaitPeriodNotYetEndedJwkError while a previous failure's wait period lasts.
    await this.penaltyBox.wait(jwksUri);
    let jwks: Jwks;
    try {
      jwks = await this.cache.getJwks(jwksUri);
    } catch (err) {
      this.penaltyBox.registerFailedAttempt(jwksUri);
      throw err;
    }
    this.penaltyBox.registerSuccessfulAttempt(jwksUri);
    this.loaded.set(jwksUri, jwks);
    return jwks;
  }
}
