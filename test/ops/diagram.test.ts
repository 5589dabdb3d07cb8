import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { prod } from '../../bin/environments/prod';
import { routeMethods } from '../../lib/config/routes';
import type { PlatformConfig } from '../../lib/config/types';
import { GRAPHVIZ_MISSING } from '../../lib/ops/commands/diagram';
import { authLabel, buildDiagram, mermaidText, renderDiagram, renderDot, renderMermaid } from '../../lib/ops/diagram';
import { runOps, runOpsProcess } from './helpers/run';

const FIXTURES = path.join(__dirname, 'fixtures');
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name), 'utf8');

/** Whether Graphviz's `dot` is on this machine's PATH. */
const HAS_DOT = spawnSync('dot', ['-V']).status === 0;

/** A one-route, one-service platform. */
function smallConfig(): PlatformConfig {
  return {
    name: 'tiny',
    api: {
      throttle: { rateLimit: 10, burstLimit: 20 },
      routes: [{ path: '/', methods: ['GET'], service: 'web', auth: 'none' }],
    },
    mesh: { services: { web: { port: 3000, versions: { v1: { image: 'web:1', weight: 100 } } } } },
    cost: { monthlyBudgetUsd: 100, alertEmails: ['ops@example.com'] },
  };
}

/** A platform whose labels hold every character that could break Mermaid or DOT syntax. */
function oddConfig(): PlatformConfig {
  return {
    name: 'odd',
    api: {
      stageName: 'st"age',
      throttle: { rateLimit: 1000, burstLimit: 2000 },
      auth: { jwt: { issuer: 'https://id.example.com/', audience: ['a'] } },
      routes: [
        { path: '/a-b', methods: ['GET'], service: 'web', auth: { jwtScopes: ['read"all', 'x|y'] } },
        { path: '/a_b', methods: ['GET'], service: 'web', auth: { cognitoScopes: ['<b>', '#1'] }, apiKey: true },
        { path: '/end', methods: ['GET'], service: 'web', auth: 'none' },
      ],
      ratePlans: { 'p-1': { throttle: { rateLimit: 1, burstLimit: 2 } } },
    },
    mesh: {
      services: {
        web: { port: 80, versions: { v1: { image: 'reg/web:`1` "q" \\ [b] {c}', weight: 100 } } },
      },
    },
    cost: { monthlyBudgetUsd: 100, alertEmails: ['ops@example.com'] },
  };
}

/** Mermaid's node lines: `id<shape>"label"<shape>` (every label quoted). */
const MERMAID_NODE = /^\s+([A-Za-z][A-Za-z0-9_]*)(\(\[|\[\/|\[\[|\{\{|\(|\[|>)"([^"]*)"(\]\)|\/\]|\]\]|\}\}|\)|\])$/;
/** Mermaid's edge lines: `from <link>[|label|] to`. */
const MERMAID_EDGE = /^\s+([A-Za-z][A-Za-z0-9_]*) (-->|-\.->|-\.-)(?:\|([^|]*)\|)? ([A-Za-z][A-Za-z0-9_]*)$/;

/** The nodes and edges of a rendered Mermaid flowchart; throws on a line that is neither (nor a subgraph). */
function parseMermaid(text: string) {
  const nodes = new Map<string, string>();
  const edges: { from: string; link: string; label?: string; to: string }[] = [];
  const lines = text.split('\n');
  expect(lines[0]).toBe('flowchart LR');
  for (const line of lines.slice(1)) {
    const node = MERMAID_NODE.exec(line);
    const edge = MERMAID_EDGE.exec(line);
    if (node) {
      expect(nodes.has(node[1])).toBe(false);
      nodes.set(node[1], node[3]);
    } else if (edge) {
      edges.push({ from: edge[1], link: edge[2], to: edge[4], ...(edge[3] === undefined ? {} : { label: edge[3] }) });
    } else if (!/^ {2}subgraph [A-Za-z][A-Za-z0-9_]* \["[^"]*"\]$/.test(line) && line !== '  end') {
      throw new Error(`not a Mermaid node, edge or subgraph line: ${line}`);
    }
  }
  return { nodes, edges };
}

describe('diagram: the reference app (prod)', () => {
  test('the Mermaid flowchart is the checked-in one', async () => {
    // WHEN
    const run = await runOps('diagram', '--env', 'prod');

    // THEN
    expect(run).toEqual({ code: 0, stdout: fixture('diagram-prod.mmd'), stderr: '' });
  });

  test('the DOT graph is the checked-in one', async () => {
    // WHEN
    const run = await runOps('diagram', '--env', 'prod', '--format', 'dot');

    // THEN
    expect(run).toEqual({ code: 0, stdout: fixture('diagram-prod.dot'), stderr: '' });
  });

  test('every route method is a node with its auth and API key, behind the API and in front of its service', () => {
    // WHEN
    const { nodes, edges } = parseMermaid(renderDiagram(prod, 'mermaid'));

    // THEN
    const routes = routeMethods(prod.api.routes);
    expect(routes).toHaveLength(5);
    for (const { method, route } of routes) {
      const id = [...nodes].find(([, label]) => label.startsWith(`${method} ${route.path}<br/>`))?.[0];
      expect(id).toBeDefined();
      const label = [`${method} ${route.path}`, authLabel(route.auth), ...(route.apiKey ? ['API key'] : [])].join('<br/>');
      expect(nodes.get(id!)).toBe(label);
      expect(edges).toContainEqual({ from: 'api', link: '-->', to: id });
      expect(edges).toContainEqual({ from: id, link: '-->', to: `svc_${route.service}` });
    }
    expect(nodes.get('route_GET_orders')).toBe('GET /orders<br/>Cognito: orders.read<br/>API key');
    expect(nodes.get('route_POST_orders')).toBe('POST /orders<br/>JWT: orders:write<br/>API key');
    expect(nodes.get('route_ANY_inventory_proxy')).toBe('ANY /inventory/{proxy+}<br/>JWT');
    expect(nodes.get('route_GET_health')).toBe('GET /health<br/>public');
  });

  test("each version's weight is on the edge from its service, and the service calls are dashed mTLS edges", () => {
    // WHEN
    const { nodes, edges } = parseMermaid(renderDiagram(prod, 'mermaid'));

    // THEN
    const weights = edges.filter((e) => e.from.startsWith('svc_') && e.to.startsWith('ver_'));
    expect(weights).toEqual([
      { from: 'svc_inventory', link: '-->', label: '100%', to: 'ver_inventory_v1' },
      { from: 'svc_orders', link: '-->', label: '90%', to: 'ver_orders_v1' },
      { from: 'svc_orders', link: '-->', label: '10%', to: 'ver_orders_v2' },
    ]);
    expect(nodes.get('ver_orders_v1')).toBe('orders-v1<br/>public.ecr.aws/shop/orders:1.4');
    const calls = edges.filter((e) => e.from.startsWith('svc_') && e.to.startsWith('svc_'));
    expect(calls).toEqual([{ from: 'svc_orders', link: '-.->', label: 'mTLS', to: 'svc_inventory' }]);
    // The ingress sits between the API (over the VPC link) and every service.
    expect(edges).toContainEqual({ from: 'api', link: '-->', label: 'VPC link', to: 'ingress' });
    expect(edges.filter((e) => e.from === 'ingress').map((e) => e.to)).toEqual(['svc_inventory', 'svc_orders']);
    expect(nodes.get('api')).toBe('REST API shop<br/>stage prod<br/>500 rps / 1,000 burst');
  });

  test('on Service Connect: the nginx ingress, TLS (not mutual), and versions as a rollout rather than weights', () => {
    // GIVEN the reference app on Service Connect
    const config = { ...prod, mesh: { ...prod.mesh, provider: 'service-connect' as const } };
    // WHEN
    const { nodes, edges } = parseMermaid(renderDiagram(config, 'mermaid'));
    // THEN
    expect(nodes.get('ingress')).toBe('Ingress proxy (nginx)<br/>port 8080');
    expect(edges.filter((e) => e.from.startsWith('svc_') && e.to.startsWith('ver_'))).toEqual([
      { from: 'svc_inventory', link: '-->', label: 'deployed', to: 'ver_inventory_v1' },
      { from: 'svc_orders', link: '-->', label: 'until the rollout ends', to: 'ver_orders_v1' },
      { from: 'svc_orders', link: '-->', label: 'deployed, 10% a step', to: 'ver_orders_v2' },
    ]);
    expect(edges.filter((e) => e.from.startsWith('svc_') && e.to.startsWith('svc_'))).toEqual([
      { from: 'svc_orders', link: '-.->', label: 'TLS', to: 'svc_inventory' },
    ]);
    expect(edges.filter((e) => e.from === 'ingress').map((e) => e.label)).toEqual(['TLS', 'TLS']);
  });

  test('rate plans show their throttle and quota, and link only to the API-key routes, with per-method overrides', () => {
    // WHEN
    const { nodes, edges } = parseMermaid(renderDiagram(prod, 'mermaid'));

    // THEN
    expect(nodes.get('plan_pro')).toBe('pro: 100 rps / 200 burst, 5,000,000 / MONTH<br/>API keys: acme');
    expect(nodes.get('plan_free')).toBe('free: 5 rps / 10 burst, 10,000 / MONTH');
    const planLinks = edges.filter((e) => e.from.startsWith('plan_'));
    expect(planLinks).toEqual([
      { from: 'plan_free', link: '-.-', to: 'route_GET_orders' },
      { from: 'plan_free', link: '-.-', to: 'route_POST_orders' },
      { from: 'plan_pro', link: '-.-', to: 'route_GET_orders' },
      { from: 'plan_pro', link: '-.-', label: '20 rps / 40 burst', to: 'route_POST_orders' },
    ]);
    const keyRoutes = routeMethods(prod.api.routes).filter((r) => r.route.apiKey).map((r) => `route_${r.method}_${r.route.path.slice(1)}`);
    expect(new Set(planLinks.map((e) => e.to))).toEqual(new Set(keyRoutes));
  });

  test('the graph has one node and one edge for each thing the config declares', () => {
    // WHEN
    const { nodes, edges, groups } = buildDiagram(prod);

    // THEN: client, API, 2 plans, 5 route methods, ingress, 2 services, 3 versions.
    expect(nodes).toHaveLength(1 + 1 + 2 + 5 + 1 + 2 + 3);
    expect(groups.map((g) => g.label)).toEqual(['service inventory', 'service orders']);
    // client→API, API→route ×5, route→service ×5, API→ingress, ingress→service ×2, weights ×3, calls ×1, plan links 2×2.
    expect(edges).toHaveLength(1 + 5 + 5 + 1 + 2 + 3 + 1 + 4);
  });
});

describe('diagram: rendering', () => {
  test('the output does not depend on the order of the config', () => {
    // GIVEN: prod with its routes, plans, services and versions in reverse order
    const reverse = <T>(record: Record<string, T>) => Object.fromEntries(Object.entries(record).reverse());
    const shuffled: PlatformConfig = {
      ...prod,
      api: { ...prod.api, routes: [...prod.api.routes].reverse(), ratePlans: reverse(prod.api.ratePlans!) },
      mesh: {
        ...prod.mesh,
        services: reverse(
          Object.fromEntries(Object.entries(prod.mesh.services).map(([name, s]) => [name, { ...s, versions: reverse(s.versions) }])),
        ),
      },
    };

    // WHEN / THEN
    expect(renderDiagram(shuffled, 'mermaid')).toBe(renderDiagram(prod, 'mermaid'));
    expect(renderDiagram(shuffled, 'dot')).toBe(renderDiagram(prod, 'dot'));
  });

  test('odd labels are escaped and ids are safe and unique', () => {
    // WHEN
    const text = renderDiagram(oddConfig(), 'mermaid');
    const { nodes, edges } = parseMermaid(text);

    // THEN: every line parsed as a node, edge or subgraph; ids safe, `/a-b` and `/a_b` apart
    expect([...nodes.keys()]).toEqual([
      'client', 'api', 'plan_p_1', 'route_GET_a_b', 'route_GET_a_b_2', 'route_GET_end', 'ingress', 'svc_web', 'ver_web_v1',
    ]);
    expect(nodes.get('api')).toBe('REST API odd<br/>stage st#quot;age<br/>1,000 rps / 2,000 burst');
    expect(nodes.get('route_GET_a_b')).toBe('GET /a-b<br/>JWT: read#quot;all and x#124;y');
    expect(nodes.get('route_GET_a_b_2')).toBe('GET /a_b<br/>Cognito: #lt;b#gt; or #35;1<br/>API key');
    expect(nodes.get('ver_web_v1')).toBe('web-v1<br/>reg/web:#96;1#96; #quot;q#quot; \\ [b] {c}');
    expect(nodes.get('plan_p_1')).toBe('p-1: 1 rps / 2 burst, no quota');
    expect(edges.filter((e) => e.from === 'plan_p_1')).toEqual([{ from: 'plan_p_1', link: '-.-', to: 'route_GET_a_b_2' }]);
    expect(mermaidText('a "b" | <c> #d `e`\nf')).toBe('a #quot;b#quot; #124; #lt;c#gt; #35;d #96;e#96; f');
  });

  test('odd labels are escaped in DOT', () => {
    // WHEN
    const text = renderDot(buildDiagram(oddConfig()));

    // THEN
    expect(text).toContain('api [label="REST API odd\\nstage st\\"age\\n1,000 rps / 2,000 burst", shape=box];');
    expect(text).toContain('ver_web_v1 [label="web-v1\\nreg/web:`1` \\"q\\" \\\\ [b] {c}", shape=box, style=rounded];');
    expect(text).toContain('route_GET_a_b [label="GET /a-b\\nJWT: read\\"all and x|y", shape=box];');
  });

  test('a small config renders as DOT', () => {
    // WHEN
    const text = renderDiagram(smallConfig(), 'dot');

    // THEN
    expect(text).toBe(
      [
        'digraph platform {',
        '  rankdir=LR;',
        '  node [fontname="Helvetica", fontsize=11];',
        '  edge [fontname="Helvetica", fontsize=10];',
        '  client [label="Client", shape=oval];',
        '  api [label="REST API tiny\\nstage prod\\n10 rps / 20 burst", shape=box];',
        '  route_GET [label="GET /\\npublic", shape=box];',
        '  ingress [label="Ingress gateway\\ningress.tiny.local:8080", shape=hexagon];',
        '  subgraph cluster_sg_web {',
        '    label="service web";',
        '    svc_web [label="web\\nweb.tiny.local:3000", shape=box, peripheries=2];',
        '    ver_web_v1 [label="web-v1\\nweb:1", shape=box, style=rounded];',
        '  }',
        '  client -> api;',
        '  api -> route_GET;',
        '  route_GET -> svc_web;',
        '  api -> ingress [label="VPC link"];',
        '  ingress -> svc_web [label="mTLS", style=dashed];',
        '  svc_web -> ver_web_v1 [label="100%"];',
        '}',
      ].join('\n'),
    );
  });

  test('the same small config renders as Mermaid', () => {
    // WHEN
    const text = renderMermaid(buildDiagram(smallConfig()));

    // THEN
    expect(text).toBe(
      [
        'flowchart LR',
        '  client(["Client"])',
        '  api["REST API tiny<br/>stage prod<br/>10 rps / 20 burst"]',
        '  route_GET["GET /<br/>public"]',
        '  ingress{{"Ingress gateway<br/>ingress.tiny.local:8080"}}',
        '  subgraph sg_web ["service web"]',
        '    svc_web[["web<br/>web.tiny.local:3000"]]',
        '    ver_web_v1("web-v1<br/>web:1")',
        '  end',
        '  client --> api',
        '  api --> route_GET',
        '  route_GET --> svc_web',
        '  api -->|VPC link| ingress',
        '  ingress -.->|mTLS| svc_web',
        '  svc_web -->|100%| ver_web_v1',
      ].join('\n'),
    );
  });

  test('a route or call to a service the mesh does not define is drawn and marked', () => {
    // GIVEN
    const config = smallConfig();
    const broken: PlatformConfig = {
      ...config,
      api: { ...config.api, routes: [...config.api.routes, { path: '/x', methods: ['GET'], service: 'ghost', auth: 'jwt' }] },
      mesh: { services: { web: { ...config.mesh.services.web, calls: ['ghost'] } } },
    };

    // WHEN
    const { nodes, edges } = parseMermaid(renderDiagram(broken, 'mermaid'));

    // THEN
    expect(nodes.get('svc_ghost')).toBe('ghost<br/>not in mesh.services');
    expect(edges).toContainEqual({ from: 'route_GET_x', link: '-->', to: 'svc_ghost' });
    expect(edges).toContainEqual({ from: 'svc_web', link: '-.->', label: 'mTLS', to: 'svc_ghost' });
  });
});

describe('diagram: the command', () => {
  test('--json prints the format and the text', async () => {
    // WHEN
    const run = await runOps('diagram', '--env', 'prod', '--json', '--format', 'dot');

    // THEN
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ format: 'dot', text: fixture('diagram-prod.dot').replace(/\n$/, '') });
  });

  test('--out writes the file and prints its path', async () => {
    // GIVEN
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'diagram-'));
    const file = path.join(dir, 'platform.mmd');

    try {
      // WHEN
      const run = await runOps('diagram', '--env', 'prod', '--out', file);
      const json = await runOps('diagram', '--env', 'prod', '--format', 'dot', '--out', path.join(dir, 'p.dot'), '--json');

      // THEN
      expect(run).toEqual({ code: 0, stdout: `${file}\n`, stderr: '' });
      expect(fs.readFileSync(file, 'utf8')).toBe(fixture('diagram-prod.mmd'));
      expect(JSON.parse(json.stdout)).toEqual({ format: 'dot', path: path.join(dir, 'p.dot') });
      expect(fs.readFileSync(path.join(dir, 'p.dot'), 'utf8')).toBe(fixture('diagram-prod.dot'));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('--out into a missing directory fails with one line', async () => {
    // WHEN
    const run = await runOps('diagram', '--out', path.join(os.tmpdir(), 'no-such-dir-diagram', 'x.mmd'));

    // THEN
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^error: --out .*x\.mmd: cannot write the diagram: ENOENT.*\n$/);
  });

  test('an unknown --format is a usage error', async () => {
    // WHEN
    const run = await runOps('diagram', '--format', 'png');

    // THEN
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("argument 'png' is invalid. Allowed choices are mermaid, dot, svg.");
  });

  test('--format svg without Graphviz on PATH exits 2 and says what to do', () => {
    // GIVEN: a PATH with no `dot` (node itself is started by its absolute path)
    const emptyBin = fs.mkdtempSync(path.join(os.tmpdir(), 'no-graphviz-'));

    try {
      // WHEN
      const run = runOpsProcess(['diagram', '--env', 'prod', '--format', 'svg'], { env: { PATH: emptyBin } });

      // THEN
      expect(run).toEqual({ code: 2, stdout: '', stderr: `error: ${GRAPHVIZ_MISSING}\n` });
    } finally {
      fs.rmSync(emptyBin, { recursive: true, force: true });
    }
  });

  (HAS_DOT ? test : test.skip)('--format svg lays the DOT out with Graphviz (runs where `dot` is installed)', async () => {
    // WHEN
    const run = await runOps('diagram', '--env', 'prod', '--format', 'svg');

    // THEN
    expect(run.code).toBe(0);
    expect(run.stdout.startsWith('<?xml')).toBe(true);
    expect(run.stdout).toContain('<svg');
    expect(run.stdout).toContain('GET /orders');
    expect(run.stdout).toContain('pro: 100 rps / 200 burst, 5,000,000 / MONTH');
  });

  test('the CLI prints the Mermaid flowchart when run as a process', () => {
    // WHEN
    const run = runOpsProcess(['diagram', '--env', 'prod']);

    // THEN
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(fixture('diagram-prod.mmd'));
  });
});
