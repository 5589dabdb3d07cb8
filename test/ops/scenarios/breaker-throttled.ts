// A scenario for child-process runs that keeps the real SDK (and its retries): a fake API Gateway on
// 127.0.0.1 (port FAKE_API_GATEWAY_PORT) that throttles the first GetRestApis and the first GetStage
// with API Gateway's real 429 TooManyRequestsException, then answers: the dev platform's stage at
// the config's limits. AWS_ENDPOINT_URL points the CLI's client at it. Only the backoff's jitter
// (Math.random) is pinned near 0 so the retries do not wait; the retry decisions are the SDK's own.
// On exit it writes the requests it saw to stderr, one `fake-api-gateway: <method> <path>` line each.
import * as http from 'node:http';

const port = Number(process.env.FAKE_API_GATEWAY_PORT);
process.env.AWS_ENDPOINT_URL = `http://127.0.0.1:${port}`;
Math.random = () => 0.001;

const requests: string[] = [];
const served = new Map<string, number>();

const server = http.createServer((req, res) => {
  const path = (req.url ?? '').split('?')[0];
  requests.push(`${req.method} ${path}`);
  const seen = (served.get(path) ?? 0) + 1;
  served.set(path, seen);
  const reply = (status: number, body: unknown, errorType?: string) => {
    res.writeHead(status, { 'content-type': 'application/json', ...(errorType ? { 'x-amzn-errortype': errorType } : {}) });
    res.end(JSON.stringify(body));
  };
  if (seen === 1) return reply(429, { message: 'Too Many Requests' }, 'TooManyRequestsException');
  if (path === '/restapis') return reply(200, { item: [{ id: 'a1b2c3d4e5', name: 'shop-dev-api' }] });
  if (path === '/restapis/a1b2c3d4e5/stages/dev') {
    return reply(200, { stageName: 'dev', methodSettings: { '*/*': { throttlingRateLimit: 50, throttlingBurstLimit: 100 } } });
  }
  return reply(404, { message: `no route ${path}` }, 'NotFoundException');
});
server.listen(port, '127.0.0.1');
// The CLI decides when the process ends, not the fake (nor its idle keep-alive connections).
server.unref();
server.on('connection', (socket) => socket.unref());

process.on('exit', () => {
  for (const request of requests) process.stderr.write(`fake-api-gateway: ${request}\n`);
});
