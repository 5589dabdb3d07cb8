/**
 * A Secrets Manager endpoint on 127.0.0.1 for the real AWS SDK (JSON 1.1 protocol): PutSecretValue
 * stores a version under its ClientRequestToken (refusing other contents under the same token, as
 * the service does) and makes a new version AWSCURRENT; GetSecretValue returns the version asked
 * for, or without VersionId the AWSCURRENT one. Requests are recorded.
 */
import { once } from 'node:events';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  /** `PutSecretValue`, `GetSecretValue`, ... */
  readonly operation: string;
  readonly body: Record<string, unknown>;
  readonly authorization: string | undefined;
}

export class FakeSecretsManager {
  public readonly requests: RecordedRequest[] = [];
  /** Secret id → version id → SecretString. */
  public readonly versions = new Map<string, Map<string, string>>();
  /** Secret id → the version id labelled AWSCURRENT. */
  public readonly current = new Map<string, string>();
  private readonly server: http.Server;

  private constructor() {
    this.server = http.createServer((req, res) => {
      let text = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (text += chunk));
      req.on('end', () => {
        const operation = String(req.headers['x-amz-target'] ?? '').replace(/^secretsmanager\./, '');
        const body = JSON.parse(text || '{}') as Record<string, unknown>;
        this.requests.push({ operation, body, authorization: req.headers.authorization });
        const { status, answer } = this.answer(operation, body);
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(answer));
      });
    });
  }

  public static async start(): Promise<FakeSecretsManager> {
    const fake = new FakeSecretsManager();
    fake.server.listen(0, '127.0.0.1');
    await once(fake.server, 'listening');
    return fake;
  }

  public get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private answer(operation: string, body: Record<string, unknown>): { status: number; answer: unknown } {
    const secretId = String(body.SecretId);
    const versions = this.versions.get(secretId) ?? new Map<string, string>();
    this.versions.set(secretId, versions);
    if (operation === 'PutSecretValue') {
      const versionId = String(body.ClientRequestToken);
      const existing = versions.get(versionId);
      if (existing !== undefined && existing !== body.SecretString) {
        return { status: 400, answer: { __type: 'ResourceExistsException', message: 'A resource with the ID you requested already exists.' } };
      }
      if (existing === undefined) this.current.set(secretId, versionId);
      versions.set(versionId, String(body.SecretString));
      return { status: 200, answer: { ARN: secretId, Name: secretId.split(':').pop(), VersionId: versionId, VersionStages: ['AWSCURRENT'] } };
    }
    if (operation === 'GetSecretValue') {
      const versionId = body.VersionId === undefined ? this.current.get(secretId) : String(body.VersionId);
      const value = versionId === undefined ? undefined : versions.get(versionId);
      if (versionId === undefined || value === undefined) {
        const asked = body.VersionId === undefined ? 'staging label: AWSCURRENT' : `VersionId: ${versionId}`;
        return { status: 400, answer: { __type: 'ResourceNotFoundException', message: `Secrets Manager can't find the specified secret value for ${asked}` } };
      }
      const stages = this.current.get(secretId) === versionId ? ['AWSCURRENT'] : [];
      return { status: 200, answer: { ARN: secretId, VersionId: versionId, SecretString: value, VersionStages: stages } };
    }
    return { status: 400, answer: { __type: 'InvalidRequestException', message: `unsupported: ${operation}` } };
  }

  public async close(): Promise<void> {
    this.server.closeAllConnections();
    const closed = once(this.server, 'close');
    this.server.close();
    await closed;
  }
}
