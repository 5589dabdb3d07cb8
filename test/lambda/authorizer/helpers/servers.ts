/**
 * Test servers: a self-signed certificate for 127.0.0.1 made with the openssl CLI, and an HTTPS
 * server that publishes JWKS, counts requests per path, and can be told to fail or hang.
 */
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';

export interface SelfSignedCert {
  /** PEM file of the certificate: what NODE_EXTRA_CA_CERTS points at. */
  readonly certFile: string;
  readonly cert: Buffer;
  readonly key: Buffer;
}

/** A P-256 certificate for IP 127.0.0.1, valid one day, that is its own CA. */
export function createSelfSignedCert(dir: string): SelfSignedCert {
  const certFile = path.join(dir, 'jwks-cert.pem');
  const keyFile = path.join(dir, 'jwks-key.pem');
  execFileSync(
    'openssl',
    [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-addext', 'basicConstraints=critical,CA:TRUE',
    ],
    { stdio: 'pipe' },
  );
  const cert = fs.readFileSync(certFile);
  const key = fs.readFileSync(keyFile);
  fs.rmSync(keyFile);
  return { certFile, cert, key };
}

/** How the server answers requests under a path prefix. */
export type Behaviour =
  | { readonly kind: 'jwks'; readonly jwks: unknown }
  | { readonly kind: 'status'; readonly status: number }
  | { readonly kind: 'body'; readonly body: string }
  | { readonly kind: 'hang' };

/** An HTTPS server on 127.0.0.1; each path prefix (first segment) has its own behaviour. */
export class JwksServer {
  private readonly server: https.Server;
  private readonly behaviours = new Map<string, Behaviour>();
  private readonly hits = new Map<string, number>();

  private constructor(cert: SelfSignedCert) {
    this.server = https.createServer({ cert: cert.cert, key: cert.key }, (req, res) => {
      const pathname = new URL(req.url ?? '/', 'https://127.0.0.1').pathname;
      this.hits.set(pathname, (this.hits.get(pathname) ?? 0) + 1);
      const behaviour = this.behaviours.get(pathname.split('/')[1] ?? '');
      switch (behaviour?.kind) {
        case 'jwks':
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(behaviour.jwks));
          return;
        case 'status':
          res.writeHead(behaviour.status).end();
          return;
        case 'body':
          res.writeHead(200, { 'content-type': 'application/json' }).end(behaviour.body);
          return;
        case 'hang':
          return; // never answer
        default:
          res.writeHead(404).end();
      }
    });
  }

  public static async start(cert: SelfSignedCert): Promise<JwksServer> {
    const server = new JwksServer(cert);
    server.server.listen(0, '127.0.0.1');
    await once(server.server, 'listening');
    return server;
  }

  /** `https://127.0.0.1:<port>` */
  public get origin(): string {
    return `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Answers requests whose path starts with `/<prefix>/` with `behaviour`. */
  public on(prefix: string, behaviour: Behaviour): this {
    this.behaviours.set(prefix, behaviour);
    return this;
  }

  /** Requests received for exactly this path. */
  public hitsOn(pathname: string): number {
    return this.hits.get(pathname) ?? 0;
  }

  /** Requests received under `/<prefix>/`. */
  public hitsUnder(prefix: string): number {
    return [...this.hits].filter(([p]) => p.startsWith(`/${prefix}/`)).reduce((sum, [, n]) => sum + n, 0);
  }

  public async close(): Promise<void> {
    this.server.closeAllConnections();
    const closed = once(this.server, 'close');
    this.server.close();
    await closed;
  }
}

