import { spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { PlatformConfig, RouteConfig } from '../../lib/config/types';
import { ingressProxyConfig } from '../../lib/mesh/service-connect/ingress-proxy-config';
import { resolveServiceModel, type ServiceModel } from '../../lib/mesh/service-model';
import { referenceConfig } from '../helpers';

/** The model of a config, with the ingress on `ingressPort` when given. */
function modelOf(config: PlatformConfig, ingressPort?: number): ServiceModel {
  const mesh = ingressPort === undefined ? config.mesh : { ...config.mesh, ingress: { ...config.mesh.ingress, port: ingressPort } };
  return resolveServiceModel(config.name, mesh, config.api.routes);
}

/** A config with one more service, `catalog`, and routes added to the API. */
function withCatalog(config: PlatformConfig, routes: RouteConfig[]): PlatformConfig {
  return {
    ...config,
    mesh: {
      ...config.mesh,
      services: {
        ...config.mesh.services,
        catalog: { port: 8080, versions: { v1: { image: 'public.ecr.aws/shop/catalog:1.0', weight: 100 } } },
      },
    },
    api: { ...config.api, routes: [...config.api.routes, ...routes] },
  };
}

/** `/inventory/{id}` to catalog: a regex that overlaps the `/inventory/{proxy+}` prefix of inventory. */
const CATALOG_ROUTES: RouteConfig[] = [{ path: '/inventory/{id}', methods: ['GET'], service: 'catalog', auth: 'none' }];

/** The `location` lines of a rendered config, trimmed, in order. */
function locationLines(config: string): string[] {
  return config
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('location '));
}

describe('ingressProxyConfig: the rendered server block', () => {
  test('routes the reference paths: exact paths, then the regex, then the prefix, then a 404', () => {
    // GIVEN
    const model = modelOf(referenceConfig());
    // WHEN
    const config = ingressProxyConfig(model);
    // THEN
    expect(config).toContain('\n    listen 8080;\n');
    expect(locationLines(config)).toEqual([
      'location = /health { proxy_read_timeout 15s; proxy_pass http://orders.shop.local:8080; }',
      'location = /orders { proxy_read_timeout 15s; proxy_pass http://orders.shop.local:8080; }',
      'location ~ "^/orders/[^/]+$" { proxy_read_timeout 15s; proxy_pass http://orders.shop.local:8080; }',
      'location ~ "^/inventory/" { proxy_read_timeout 15s; proxy_pass http://inventory.shop.local:8080; }',
      'location / { return 404; }',
    ]);
    expect(config.trimEnd().endsWith('    location / { return 404; }\n}')).toBe(true);
  });

  test("takes each service's timeout, rounded up to whole seconds", () => {
    // GIVEN orders times out after 2.5 s
    const reference = referenceConfig();
    const config = { ...reference, mesh: { ...reference.mesh, services: { ...reference.mesh.services, orders: { ...reference.mesh.services.orders, timeoutMs: 2500 } } } };
    // WHEN
    const lines = locationLines(ingressProxyConfig(modelOf(config)));
    // THEN
    expect(lines.filter((line) => line.includes('orders.shop.local'))).toHaveLength(3);
    for (const line of lines.filter((l) => l.includes('orders.shop.local'))) expect(line).toContain('proxy_read_timeout 3s;');
    expect(lines.find((line) => line.includes('inventory.shop.local'))).toContain('proxy_read_timeout 15s;');
  });

  test("keeps the existing locations' order when a service with its own routes is added", () => {
    // GIVEN the reference, and the reference with catalog on an exact path, a regex and a prefix
    const reference = referenceConfig();
    const before = locationLines(ingressProxyConfig(modelOf(reference)));
    const extended = withCatalog(reference, [
      ...CATALOG_ROUTES,
      { path: '/catalog', methods: ['GET'], service: 'catalog', auth: 'none' },
      { path: '/catalog/{proxy+}', methods: ['GET'], service: 'catalog', auth: 'none' },
    ]);
    // WHEN
    const after = locationLines(ingressProxyConfig(modelOf(extended)));
    // THEN the new lines are there, and the old ones are in the same order among them
    const added = after.filter((line) => !before.includes(line));
    expect(added).toHaveLength(3);
    for (const line of added) expect(line).toContain('proxy_pass http://catalog.shop.local:8080;');
    expect(after.filter((line) => before.includes(line))).toEqual(before);
    // and the catalog regex is tried before the inventory prefix it overlaps
    expect(after.indexOf('location ~ "^/inventory/[^/]+$" { proxy_read_timeout 15s; proxy_pass http://catalog.shop.local:8080; }')).toBeLessThan(
      after.findIndex((line) => line.startsWith('location ~ "^/inventory/"')),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// The rendered config in a real nginx, in front of one node:http server per service.
// ---------------------------------------------------------------------------------------------

/** What an upstream answers: who received the request, and what it saw. */
interface Hit {
  readonly service: string;
  readonly method: string;
  readonly path: string;
  readonly host: string;
  readonly forwardedFor: string;
  readonly body: string;
}

interface Response {
  readonly status: number;
  readonly body: string;
}

/** The nginx binary, from PATH or the usual sbin directories; undefined when there is none. */
function findNginx(): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/sbin', '/usr/local/sbin', '/usr/local/nginx/sbin'];
  for (const dir of dirs.filter((d) => d !== '')) {
    const candidate = path.join(dir, 'nginx');
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

const NGINX_MISSING =
  'nginx is not installed (looked in PATH and /usr/sbin): these tests run the rendered ingress config in a real nginx. ' +
  'Install it, e.g. `apt-get install -y nginx-light` (CI installs it).';

async function listen(server: net.Server, host?: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  return (server.address() as net.AddressInfo).port;
}

async function close(server: net.Server): Promise<void> {
  if (server instanceof http.Server) server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** A port nobody listens on now (the kernel's choice for port 0). */
async function freePort(): Promise<number> {
  const server = net.createServer();
  const port = await listen(server);
  await close(server);
  return port;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** An upstream for one service: answers every request with what it received, as JSON. */
function upstream(service: string, hits: Hit[]): http.Server {
  return http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const hit: Hit = {
        service,
        method: req.method ?? '',
        path: req.url ?? '',
        host: req.headers.host ?? '',
        forwardedFor: String(req.headers['x-forwarded-for'] ?? ''),
        body: Buffer.concat(chunks).toString('utf8'),
      };
      hits.push(hit);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(hit));
    });
  });
}

/** A request to the ingress on a fresh connection. */
function request(port: number, method: string, requestPath: string, body?: string): Promise<Response> {
  return new Promise((resolve, reject) => {
    const headers: http.OutgoingHttpHeaders = body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
    const req = http.request({ host: '127.0.0.1', port, method, path: requestPath, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** nginx serving `ingressProxyConfig` for a config, with an upstream per service. */
class Ingress {
  /** The port nginx listens on. */
  port = 0;
  /** Every request an upstream received, in order. */
  readonly hits: Hit[] = [];
  /** Each service's upstream, `127.0.0.1:<port>`: what the config proxies to. */
  readonly upstreams = new Map<string, string>();
  /** The rendered server block. */
  serverBlock = '';
  /** `nginx -t` on the config. */
  configTest?: SpawnSyncReturns<string>;
  private dir?: string;
  private nginx?: ChildProcess;
  private nginxOutput = '';
  private readonly servers: http.Server[] = [];

  async start(config: PlatformConfig): Promise<void> {
    const nginx = findNginx();
    if (nginx === undefined) throw new Error(NGINX_MISSING);

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ingress-proxy-'));
    this.dir = dir;
    // nginx's workers drop to `nobody` when the tests run as root: let them reach the temp paths.
    fs.chmodSync(dir, 0o755);

    this.port = await freePort();
    const model = modelOf(config, this.port);
    for (const service of model.services) {
      const server = upstream(service.name, this.hits);
      this.servers.push(server);
      this.upstreams.set(service.name, `127.0.0.1:${await listen(server, '127.0.0.1')}`);
    }
    this.serverBlock = ingressProxyConfig(model, (service) => this.upstreams.get(service.name)!);

    const mainConfig = path.join(dir, 'nginx.conf');
    const errorLog = path.join(dir, 'error.log');
    fs.writeFileSync(path.join(dir, 'default.conf'), this.serverBlock);
    fs.writeFileSync(
      mainConfig,
      [
        `pid ${dir}/nginx.pid;`,
        `error_log ${errorLog};`,
        'events {}',
        'http {',
        '  access_log off;',
        `  client_body_temp_path ${dir}/body;`,
        `  proxy_temp_path ${dir}/proxy;`,
        `  fastcgi_temp_path ${dir}/fcgi;`,
        `  uwsgi_temp_path ${dir}/uwsgi;`,
        `  scgi_temp_path ${dir}/scgi;`,
        `  include ${dir}/default.conf;`,
        '}',
        '',
      ].join('\n'),
    );
    // `-e`: the error log before the config is read, so that nginx does not touch /var/log/nginx.
    const args = ['-p', `${dir}/`, '-e', errorLog, '-c', mainConfig];

    this.configTest = spawnSync(nginx, ['-t', ...args], { encoding: 'utf8' });
    if (this.configTest.status !== 0) {
      throw new Error(`nginx -t failed (${this.configTest.status}):\n${this.configTest.stderr}\n--- default.conf ---\n${this.serverBlock}`);
    }

    const child = spawn(nginx, [...args, '-g', 'daemon off;'], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.nginx = child;
    child.stdout!.on('data', (chunk: Buffer) => (this.nginxOutput += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (this.nginxOutput += chunk.toString()));
    child.on('error', (error) => (this.nginxOutput += `spawn error: ${error.message}\n`));

    // Wait until nginx accepts connections: a bounded number of tries.
    for (let attempt = 0; attempt < 100; attempt++) {
      if (child.exitCode !== null || child.signalCode !== null) break;
      if (await accepts(this.port)) return;
      await sleep(50);
    }
    const log = fs.existsSync(errorLog) ? fs.readFileSync(errorLog, 'utf8') : '';
    throw new Error(`nginx did not accept connections on port ${this.port} (exit ${child.exitCode ?? child.signalCode}):\n${this.nginxOutput}\n${log}`);
  }

  async stop(): Promise<void> {
    const child = this.nginx;
    if (child && child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      // SIGTERM: nginx's master stops its workers, then exits.
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const gaveUp = await Promise.race([
        exited.then(() => false),
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), 10_000))),
      ]);
      clearTimeout(timer);
      if (gaveUp) {
        child.kill('SIGKILL');
        await exited;
      }
    }
    await Promise.all(this.servers.map(close));
    if (this.dir) fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /** A request to the ingress, and the hits it caused upstream. */
  async send(method: string, requestPath: string, body?: string): Promise<{ response: Response; hits: Hit[] }> {
    const before = this.hits.length;
    const response = await request(this.port, method, requestPath, body);
    return { response, hits: this.hits.slice(before) };
  }
}

/** The upstream's answer to a request the ingress proxied, checked against what it recorded. */
function proxiedTo(result: { response: Response; hits: Hit[] }): Hit {
  expect(result.response.status).toBe(200);
  expect(result.hits).toHaveLength(1);
  const answer = JSON.parse(result.response.body) as Hit;
  expect(answer).toEqual(result.hits[0]);
  return answer;
}

describe('ingressProxyConfig in nginx: the reference routes', () => {
  const ingress = new Ingress();

  beforeAll(() => ingress.start(referenceConfig()), 30_000);
  afterAll(() => ingress.stop(), 30_000);

  test('nginx accepts the config', () => {
    // GIVEN / WHEN nginx -t on the rendered config (run in beforeAll)
    // THEN
    expect(ingress.configTest?.status).toBe(0);
    expect(ingress.configTest?.stderr).toContain('test is successful');
  });

  test('GET /orders reaches orders with its path', async () => {
    // WHEN
    const hit = proxiedTo(await ingress.send('GET', '/orders'));
    // THEN
    expect(hit).toMatchObject({ service: 'orders', method: 'GET', path: '/orders' });
  });

  test('GET /orders?status=open keeps its query', async () => {
    // WHEN
    const hit = proxiedTo(await ingress.send('GET', '/orders?status=open'));
    // THEN
    expect(hit).toMatchObject({ service: 'orders', path: '/orders?status=open' });
  });

  test('GET /orders/42 reaches orders by the regex', async () => {
    // WHEN
    const hit = proxiedTo(await ingress.send('GET', '/orders/42'));
    // THEN
    expect(hit).toMatchObject({ service: 'orders', path: '/orders/42' });
  });

  test('GET /orders/42/items is a 404 from nginx: the regex takes one segment', async () => {
    // WHEN
    const { response, hits } = await ingress.send('GET', '/orders/42/items');
    // THEN
    expect(response.status).toBe(404);
    expect(response.body).toContain('404 Not Found');
    expect(hits).toEqual([]);
  });

  test('GET /inventory/a/b?x=1 reaches inventory with path and query intact', async () => {
    // WHEN
    const hit = proxiedTo(await ingress.send('GET', '/inventory/a/b?x=1'));
    // THEN
    expect(hit).toMatchObject({ service: 'inventory', path: '/inventory/a/b?x=1' });
  });

  test('DELETE /inventory/a reaches inventory: the route is ANY', async () => {
    // WHEN
    const hit = proxiedTo(await ingress.send('DELETE', '/inventory/a'));
    // THEN
    expect(hit).toMatchObject({ service: 'inventory', method: 'DELETE', path: '/inventory/a' });
  });

  test('GET /health reaches orders', async () => {
    // WHEN
    const hit = proxiedTo(await ingress.send('GET', '/health'));
    // THEN
    expect(hit).toMatchObject({ service: 'orders', path: '/health' });
  });

  test.each(['/unknown', '/', '/ordersx', '/inventory'])('GET %s is a 404 from nginx', async (requestPath) => {
    // WHEN
    const { response, hits } = await ingress.send('GET', requestPath);
    // THEN
    expect(response.status).toBe(404);
    expect(hits).toEqual([]);
  });

  test('POST /orders reaches orders with its body intact', async () => {
    // GIVEN
    const body = JSON.stringify({ item: 'book', qty: 2, note: 'größer — 大きい' });
    // WHEN
    const hit = proxiedTo(await ingress.send('POST', '/orders', body));
    // THEN
    expect(hit).toMatchObject({ service: 'orders', method: 'POST', path: '/orders', body });
  });

  test('a body larger than the in-memory buffer (buffered to a temp file) arrives intact', async () => {
    // GIVEN 256 KiB, above client_body_buffer_size
    const body = JSON.stringify({ lines: Array.from({ length: 4096 }, (_, i) => `line ${i} `.padEnd(60, '.')) });
    expect(Buffer.byteLength(body)).toBeGreaterThan(200 * 1024);
    // WHEN
    const hit = proxiedTo(await ingress.send('POST', '/orders', body));
    // THEN
    expect(hit.body.length).toBe(body.length);
    expect(hit.body).toBe(body);
  });

  test('the upstream sees its own address as Host (the alias, in production), and the caller in X-Forwarded-For', async () => {
    // WHEN
    const orders = proxiedTo(await ingress.send('GET', '/orders'));
    const inventory = proxiedTo(await ingress.send('GET', '/inventory/x'));
    // THEN
    expect(orders.host).toBe(ingress.upstreams.get('orders'));
    expect(inventory.host).toBe(ingress.upstreams.get('inventory'));
    expect(orders.host).not.toBe(inventory.host);
    expect(orders.forwardedFor).toBe('127.0.0.1');
  });
});

describe('ingressProxyConfig in nginx: a regex that overlaps a prefix', () => {
  const ingress = new Ingress();

  // GIVEN /inventory/{id} to catalog, besides /inventory/{proxy+} to inventory
  beforeAll(() => ingress.start(withCatalog(referenceConfig(), CATALOG_ROUTES)), 30_000);
  afterAll(() => ingress.stop(), 30_000);

  test('nginx accepts the config', () => {
    expect(ingress.configTest?.status).toBe(0);
    expect(ingress.configTest?.stderr).toContain('test is successful');
  });

  test('one segment under /inventory/ goes to catalog: the regex wins over the prefix', async () => {
    // WHEN
    const hit = proxiedTo(await ingress.send('GET', '/inventory/abc'));
    // THEN
    expect(hit).toMatchObject({ service: 'catalog', path: '/inventory/abc', host: ingress.upstreams.get('catalog') });
  });

  test('more segments under /inventory/ still go to inventory', async () => {
    // WHEN
    const hit = proxiedTo(await ingress.send('GET', '/inventory/abc/def'));
    // THEN
    expect(hit).toMatchObject({ service: 'inventory', path: '/inventory/abc/def' });
  });

  test('the reference routes are unchanged', async () => {
    // WHEN / THEN
    expect(proxiedTo(await ingress.send('GET', '/orders/7'))).toMatchObject({ service: 'orders', path: '/orders/7' });
    expect(proxiedTo(await ingress.send('GET', '/health'))).toMatchObject({ service: 'orders', path: '/health' });
  });
});
