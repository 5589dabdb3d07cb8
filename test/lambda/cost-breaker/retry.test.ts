/**
 * The SDK's retries, for real. aws-sdk-client-mock replaces the client's `send`, and with it the
 * whole middleware stack, retries included: a mock that rejects once is never retried. So here the
 * breaker's own module-scope client (production options, `maxAttempts: 4`) is left alone and
 * pointed (AWS_ENDPOINT_URL) at a fake API Gateway on 127.0.0.1 that answers with the REST API's
 * real error responses. Only the backoff's jitter (Math.random) is pinned near 0, so that the
 * retries do not wait seconds; the retry decisions are the SDK's own.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { FLOOR, type LoadedBreaker, loadBreaker, REST_API_ID, SPEND_ALARM, STAGE_NAME, VALID_ENV } from './helpers/load';
import { type Captured, captureConsole } from './helpers/logs';
import { alarmMessage, snsEvent, stage } from './helpers/messages';

interface Reply {
  readonly status: number;
  /** The `x-amzn-errortype` of an error. */
  readonly errorType?: string;
  readonly body: unknown;
}

const ok = (body: unknown): Reply => ({ status: 200, body });
const error = (status: number, errorType: string, message: string): Reply => ({ status, errorType, body: { message } });
const THROTTLED = error(429, 'TooManyRequestsException', 'Too Many Requests');

/** A fake API Gateway: answers GetStage and UpdateStage from queues, and records the requests. */
class FakeApiGateway {
  readonly requests: { method: string; path: string; body: string }[] = [];
  readonly replies: Record<'GET' | 'PATCH', Reply[]> = { GET: [], PATCH: [] };
  private readonly server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      this.requests.push({ method: req.method ?? '', path: req.url ?? '', body });
      const queue = this.replies[req.method as 'GET' | 'PATCH'];
      const reply = (queue && queue.length > 1 ? queue.shift() : queue?.[0]) ?? error(404, 'NotFoundException', 'no reply queued');
      res.writeHead(reply.status, {
        'content-type': 'application/json',
        ...(reply.errorType ? { 'x-amzn-errortype': reply.errorType } : {}),
      });
      res.end(JSON.stringify(reply.body));
    });
  });

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Queues replies; the last one repeats. */
  reply(method: 'GET' | 'PATCH', ...replies: Reply[]): void {
    this.replies[method] = replies;
  }

  count(method: 'GET' | 'PATCH'): number {
    return this.requests.filter((r) => r.method === method).length;
  }
}

/** AWS_* variables the SDK reads when it sends; set for the duration of these tests. */
const SDK_ENV = ['AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_API_GATEWAY'];

const fake = new FakeApiGateway();
const savedEnv: Record<string, string | undefined> = {};
let breaker: LoadedBreaker;
let logs: Captured;

beforeAll(async () => {
  const endpoint = await fake.listen();
  for (const name of SDK_ENV) savedEnv[name] = process.env[name];
  for (const name of SDK_ENV) delete process.env[name];
  Object.assign(process.env, {
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    AWS_ENDPOINT_URL: endpoint,
  });
  // GIVEN the breaker as shipped: its own client, not mocked
  breaker = loadBreaker(VALID_ENV, { mock: false });
});

afterAll(async () => {
  for (const name of SDK_ENV) {
    if (savedEnv[name] === undefined) delete process.env[name];
    else process.env[name] = savedEnv[name];
  }
  await fake.close();
});

beforeEach(() => {
  fake.requests.length = 0;
  logs = captureConsole();
  jest.spyOn(Math, 'random').mockReturnValue(0.001);
});

afterEach(() => {
  jest.restoreAllMocks();
});

const STAGE_PATH = `/restapis/${REST_API_ID}/stages/${STAGE_NAME}`;
const STAGE = stage({ rateLimit: 500, burstLimit: 1000 });

test('a throttled UpdateStage is retried by the SDK, and the second attempt trips the breaker', async () => {
  // GIVEN an API Gateway that throttles the first UpdateStage only
  fake.reply('GET', ok(STAGE));
  fake.reply('PATCH', THROTTLED, ok({ ...STAGE, methodSettings: { '*/*': { throttlingRateLimit: 10, throttlingBurstLimit: 20 } } }));

  // WHEN a spend alarm fires
  const result = await breaker.handler(snsEvent(alarmMessage(SPEND_ALARM, 'ALARM')));

  // THEN it succeeds after two UpdateStage requests with the same patch
  expect(result.outcome).toBe('tripped');
  expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`GET ${STAGE_PATH}`, `PATCH ${STAGE_PATH}`, `PATCH ${STAGE_PATH}`]);
  const patches = fake.requests.filter((r) => r.method === 'PATCH').map((r) => JSON.parse(r.body));
  expect(patches).toEqual([
    {
      patchOperations: [
        { op: 'replace', path: '/*/*/throttling/rateLimit', value: String(FLOOR.rateLimit) },
        { op: 'replace', path: '/*/*/throttling/burstLimit', value: String(FLOOR.burstLimit) },
      ],
    },
    patches[0],
  ]);
  expect(logs.records().filter((r) => r.level === 'ERROR')).toEqual([]);
});

test('a throttled GetStage is retried too', async () => {
  // GIVEN an API Gateway that throttles GetStage twice
  fake.reply('GET', THROTTLED, THROTTLED, ok(STAGE));
  fake.reply('PATCH', ok(STAGE));
  // WHEN a spend alarm fires
  await expect(breaker.handler(snsEvent(alarmMessage(SPEND_ALARM, 'ALARM')))).resolves.toMatchObject({ outcome: 'tripped' });
  // THEN GetStage took three attempts
  expect(fake.count('GET')).toBe(3);
  expect(fake.count('PATCH')).toBe(1);
});

test('throttling on every attempt: 4 attempts, then the handler logs and throws', async () => {
  // GIVEN an API Gateway that always throttles UpdateStage
  fake.reply('GET', ok(STAGE));
  fake.reply('PATCH', THROTTLED);

  // WHEN a spend alarm fires
  const invocation = breaker.handler(snsEvent(alarmMessage(SPEND_ALARM, 'ALARM')));

  // THEN the invocation fails with the throttling error after maxAttempts (4) requests
  await expect(invocation).rejects.toMatchObject({ name: 'TooManyRequestsException', $metadata: { httpStatusCode: 429, attempts: 4 } });
  expect(fake.count('PATCH')).toBe(4);
  expect(logs.records().filter((r) => r.reason === 'api_error')).toEqual([
    expect.objectContaining({ level: 'ERROR', operation: 'UpdateStage', errorName: 'TooManyRequestsException', httpStatusCode: 429, attempts: 4 }),
  ]);
  expect(logs.emf()).toEqual([]);
});

test.each([
  [403, 'AccessDeniedException', 'User is not authorized to perform: apigateway:PATCH'],
  [400, 'BadRequestException', 'Invalid patch path /*/*/throttling/rateLimit'],
])('a %d %s is not retried: one request, then the handler logs and throws', async (status, name, message) => {
  // GIVEN an API Gateway that refuses UpdateStage
  fake.reply('GET', ok(STAGE));
  fake.reply('PATCH', error(status, name, message));

  // WHEN a spend alarm fires
  const invocation = breaker.handler(snsEvent(alarmMessage(SPEND_ALARM, 'ALARM')));

  // THEN it fails at once with that error
  await expect(invocation).rejects.toMatchObject({ name, message, $metadata: { httpStatusCode: status, attempts: 1 } });
  expect(fake.count('PATCH')).toBe(1);
  expect(logs.records().filter((r) => r.reason === 'api_error')).toEqual([
    expect.objectContaining({ level: 'ERROR', operation: 'UpdateStage', errorName: name, errorMessage: message, httpStatusCode: status }),
  ]);
});
