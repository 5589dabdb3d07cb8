/**
 * Real TLS peers on 127.0.0.1: a node:tls server that requires a client certificate from the mesh
 * CA (as an Envoy listener with mutual TLS does), an `openssl s_server` doing the same, and a client
 * that reports exactly how a handshake ended.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import * as tls from 'node:tls';
import { unusedPort } from '../../../net';

/** What the server made of one connection. */
export type ServerOutcome =
  | { readonly accepted: true; readonly authorized: boolean; readonly peerCommonName: string; readonly peerSans: string }
  | {
      readonly accepted: false;
      /** The `tlsClientError`'s code, e.g. ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE. */
      readonly code: string;
      /** Why the client's certificate was refused, e.g. CERT_HAS_EXPIRED; null if none was verified. */
      readonly authorizationError: string | null;
    };

/** The answer a server sends an accepted client before it closes. */
export const GREETING = 'hello from the mesh\n';

/** A node:tls server with `requestCert: true, rejectUnauthorized: true`. */
export class MtlsServer {
  private readonly server: tls.Server;
  private waiters: ((outcome: ServerOutcome) => void)[] = [];

  private constructor(options: { caFile: string; chainFile: string; keyFile: string }) {
    this.server = tls.createServer(
      {
        requestCert: true,
        rejectUnauthorized: true,
        ca: fs.readFileSync(options.caFile),
        cert: fs.readFileSync(options.chainFile),
        key: fs.readFileSync(options.keyFile),
      },
      (socket) => {
        const peer = socket.getPeerCertificate();
        this.report({ accepted: true, authorized: socket.authorized, peerCommonName: String(peer.subject?.CN), peerSans: String(peer.subjectaltname) });
        socket.on('error', () => undefined);
        socket.end(GREETING);
      },
    );
    this.server.on('tlsClientError', (err: NodeJS.ErrnoException, socket: tls.TLSSocket) => {
      this.report({ accepted: false, code: String(err.code), authorizationError: socket.authorizationError ? String(socket.authorizationError) : null });
    });
  }

  public static async start(options: { caFile: string; chainFile: string; keyFile: string }): Promise<MtlsServer> {
    const server = new MtlsServer(options);
    server.server.listen(0, '127.0.0.1');
    await once(server.server, 'listening');
    return server;
  }

  public get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** The outcome of the next connection; ask before connecting. */
  public nextOutcome(): Promise<ServerOutcome> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private report(outcome: ServerOutcome): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve(outcome);
  }

  public async close(): Promise<void> {
    const closed = once(this.server, 'close');
    this.server.close();
    await closed;
  }
}

/** How a client's connection ended. */
export interface ClientOutcome {
  /** The client's side of the handshake completed ('secureConnect'). */
  readonly handshake: boolean;
  /** What the server sent. */
  readonly received: string;
  /** The client's error code, if any: ERR_TLS_CERT_ALTNAME_INVALID, ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED, ... */
  readonly errorCode?: string;
  readonly errorMessage?: string;
}

export interface ClientOptions {
  readonly port: number;
  /** The CA the client trusts to verify the server. */
  readonly caFile: string;
  /** The DNS name the server must have in its certificate's SANs. */
  readonly expectedName: string;
  /** The client certificate (with its chain) and key; none if omitted. */
  readonly chainFile?: string;
  readonly keyFile?: string;
  /** Sent after the handshake (for the openssl -rev server). */
  readonly send?: string;
}

/**
 * Connects to 127.0.0.1 as a mesh proxy: verifies the server against the mesh CA and checks that
 * `expectedName` is among its DNS SANs (not whatever host was dialled), optionally presenting a
 * client certificate. Resolves when the connection is closed.
 */
export function connectClient(options: ClientOptions): Promise<ClientOutcome> {
  return new Promise((resolve) => {
    let handshake = false;
    let received = '';
    let error: NodeJS.ErrnoException | undefined;
    const socket = tls.connect({
      host: '127.0.0.1',
      port: options.port,
      servername: options.expectedName,
      ca: fs.readFileSync(options.caFile),
      rejectUnauthorized: true,
      checkServerIdentity: (_host, cert) => tls.checkServerIdentity(options.expectedName, cert),
      ...(options.chainFile ? { cert: fs.readFileSync(options.chainFile) } : {}),
      ...(options.keyFile ? { key: fs.readFileSync(options.keyFile) } : {}),
    });
    socket.setEncoding('utf8');
    socket.on('secureConnect', () => {
      handshake = true;
      if (options.send !== undefined) socket.write(options.send);
    });
    socket.on('data', (chunk: string) => {
      received += chunk;
      // The -rev server answers line by line and stays open: one line back is the whole answer.
      if (options.send !== undefined && received.endsWith('\n')) socket.end();
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      error ??= err;
    });
    socket.on('close', () => {
      resolve({ handshake, received, ...(error ? { errorCode: String(error.code), errorMessage: error.message } : {}) });
    });
  });
}

/**
 * `openssl s_server` on 127.0.0.1 requiring a client certificate from the mesh CA
 * (`-Verify 1 -verify_return_error`) and answering each line with its reverse (`-rev`).
 */
export class OpensslServer {
  private stderrText = '';

  private constructor(
    private readonly child: ChildProcess,
    public readonly port: number,
  ) {
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderrText += chunk;
    });
  }

  public static async start(options: { caFile: string; certFile: string; keyFile: string }): Promise<OpensslServer> {
    const port = await unusedPort();
    const child = spawn(
      'openssl',
      [
        's_server', '-accept', `127.0.0.1:${port}`, '-cert', options.certFile, '-key', options.keyFile,
        '-CAfile', options.caFile, '-Verify', '1', '-verify_return_error', '-rev',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const server = new OpensslServer(child, port);
    await new Promise<void>((resolve, reject) => {
      let stdout = '';
      const timer = setTimeout(() => reject(new Error(`openssl s_server did not start: ${server.stderrText}`)), 5000);
      child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
        if (stdout.includes('ACCEPT')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`openssl s_server exited (${code}): ${server.stderrText}`));
      });
    });
    return server;
  }

  /** What openssl wrote to stderr (verification errors, among others). */
  public get stderr(): string {
    return this.stderrText;
  }

  public async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.kill('SIGTERM');
    await exited;
  }
}

/** Runs `openssl s_client` to completion against a server; resolves with its exit code and output. */
export function runOpensslClient(args: string[], input: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('openssl', ['s_client', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(input);
  });
}
