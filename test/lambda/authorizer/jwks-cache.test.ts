/**
 * The JWKS cache's rules, in-process with a scripted fetcher (the end-to-end tests exercise the
 * same rules over real HTTPS, except the retry after the 10 s wait, which is too slow for them).
 */
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { FetchError, KidNotFoundInJwksError, WaitPeriodNotYetEndedJwkError } from 'aws-jwt-verify/error';
import type { Fetcher } from 'aws-jwt-verify/https';
import { FetchOnceJwksCache, SingleAttemptFetcher } from '../../../lambda/authorizer/jwks-cache';
import { createSelfSignedCert } from './helpers/servers';

const URI = 'https://idp.example.com/.well-known/jwks.json';
const JWKS = { keys: [{ kty: 'RSA', kid: 'k1', n: 'AQAB', e: 'AQAB', use: 'sig' }] };
const jwtWithKid = (kid: string) => ({ header: { alg: 'RS256', kid }, payload: {} });

/** Answers each fetch with the next scripted outcome and counts the calls. */
class ScriptedFetcher implements Fetcher {
  public calls = 0;
  constructor(private readonly outcomes: Array<'ok' | 'fail'>, private readonly delayMs = 0) {}

  public async fetch(uri: string): Promise<ArrayBuffer> {
    const outcome = this.outcomes[Math.min(this.calls, this.outcomes.length - 1)];
    this.calls++;
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    if (outcome === 'fail') throw new FetchError(uri, 'connect ECONNREFUSED');
    return new TextEncoder().encode(JSON.stringify(JWKS)).buffer as ArrayBuffer;
  }
}

describe('FetchOnceJwksCache', () => {
  test('fetches once, and never again: not even for an unknown kid', async () => {
    // GIVEN a cache whose JWKS endpoint works
    const fetcher = new ScriptedFetcher(['ok']);
    const cache = new FetchOnceJwksCache({ fetcher });

    // WHEN the known kid is asked for, then unknown kids, then the known one again
    await expect(cache.getJwk(URI, jwtWithKid('k1'))).resolves.toMatchObject({ kid: 'k1' });
    await expect(cache.getJwk(URI, jwtWithKid('k2'))).rejects.toBeInstanceOf(KidNotFoundInJwksError);
    await expect(cache.getJwk(URI, jwtWithKid('k3'))).rejects.toBeInstanceOf(KidNotFoundInJwksError);
    await expect(cache.getJwk(URI, jwtWithKid('k1'))).resolves.toMatchObject({ kid: 'k1' });

    // THEN the endpoint was called once
    expect(fetcher.calls).toBe(1);
  });

  test('concurrent first requests share one fetch', async () => {
    // GIVEN a slow JWKS endpoint
    const fetcher = new ScriptedFetcher(['ok'], 50);
    const cache = new FetchOnceJwksCache({ fetcher });

    // WHEN five requests arrive together
    const jwks = await Promise.all([1, 2, 3, 4, 5].map(() => cache.getJwk(URI, jwtWithKid('k1'))));

    // THEN all get the key from one fetch
    expect(jwks.map((j) => j.kid)).toEqual(['k1', 'k1', 'k1', 'k1', 'k1']);
    expect(fetcher.calls).toBe(1);
  });

  test('after a failed fetch, waits before trying again, then fetches and keeps the result', async () => {
    // GIVEN an endpoint that fails once, then works, and a 0.2 s wait after failures
    const fetcher = new ScriptedFetcher(['fail', 'ok']);
    const cache = new FetchOnceJwksCache({ fetcher, retryAfterSeconds: 0.2 });

    // WHEN the first request fails
    await expect(cache.getJwk(URI, jwtWithKid('k1'))).rejects.toBeInstanceOf(FetchError);
    // THEN a request during the wait is refused without a fetch
    await expect(cache.getJwk(URI, jwtWithKid('k1'))).rejects.toBeInstanceOf(WaitPeriodNotYetEndedJwkError);
    expect(fetcher.calls).toBe(1);

    // WHEN the wait is over
    await new Promise((resolve) => setTimeout(resolve, 300));
    // THEN the next request fetches again and succeeds, and later ones use the cache
    await expect(cache.getJwk(URI, jwtWithKid('k1'))).resolves.toMatchObject({ kid: 'k1' });
    await expect(cache.getJwk(URI, jwtWithKid('k1'))).resolves.toMatchObject({ kid: 'k1' });
    expect(fetcher.calls).toBe(2);
  });
});

describe('SingleAttemptFetcher', () => {
  let dir: string;
  let server: https.Server;
  let ca: Buffer;
  let requests = 0;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'authorizer-fetcher-'));
    const cert = createSelfSignedCert(dir);
    ca = cert.cert;
    // A server that accepts requests and never answers.
    server = https.createServer({ cert: cert.cert, key: cert.key }, () => {
      requests++;
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
  });

  afterAll(async () => {
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('gives up on a hanging endpoint after its response timeout, without retrying', async () => {
    // GIVEN a fetcher with a 300 ms timeout, trusting the test certificate
    const fetcher = new SingleAttemptFetcher(300);
    const uri = `https://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;

    // WHEN it fetches from the hanging server
    const started = Date.now();
    const error = await fetcher.fetch(uri, { ca }).catch((err: unknown) => err);

    // THEN it fails with a time-out after about 300 ms, having sent exactly one request
    expect(error).toBeInstanceOf(FetchError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(requests).toBe(1);
  });
});
