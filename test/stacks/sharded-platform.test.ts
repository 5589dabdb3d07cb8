import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { generatePlatformConfig } from '../../bench/generate-platform';
import type { PlatformConfig } from '../../lib/config/types';
import { MESH_CERTIFICATE_TAG } from '../../lib/mesh/app-mesh/mesh-certificates';
import { Platform } from '../../lib/platform';
import { createPlatformApp } from '../../lib/platform-app';
import { jumpConsistentHash, planServiceStacks, STACK_LIMITS } from '../../lib/stacks/service-stacks';
import { CDK_CONTEXT, referenceConfig, testApp } from '../helpers';

interface StackArtifact {
  readonly name: string;
  readonly template: any;
  readonly bytes: number;
  readonly dependencies: string[];
}

/** The stacks of a cloud assembly, from its manifest, with their templates. */
function readAssembly(outdir: string): StackArtifact[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
  return Object.entries<any>(manifest.artifacts)
    .filter(([, artifact]) => artifact.type === 'aws:cloudformation:stack')
    .map(([id, artifact]) => {
      const text = fs.readFileSync(path.join(outdir, artifact.properties.templateFile), 'utf8');
      return {
        name: artifact.properties.stackName ?? id,
        template: JSON.parse(text),
        bytes: Buffer.byteLength(text),
        dependencies: (artifact.dependencies ?? []).filter((dep: string) => !dep.endsWith('.assets')),
      };
    });
}

/** Every value of `key` anywhere in `value`. */
function valuesOf(value: unknown, key: string): unknown[] {
  if (Array.isArray(value)) return value.flatMap((item) => valuesOf(item, key));
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([k, v]) => (k === key ? [v, ...valuesOf(v, key)] : valuesOf(v, key)));
}

describe('a platform of 200 services', () => {
  let outdir: string;
  let stacks: StackArtifact[];
  let platform: Platform;
  beforeAll(() => {
    // GIVEN 200 services of two versions each, one API route each, each calling the next
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-200-'));
    const app = createPlatformApp({ outdir, context: { ...CDK_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
    // WHEN it is synthesized through the gates (cdk-nag and CloudFormation Validate), as `cdk synth` does
    platform = new Platform(app, { config: generatePlatformConfig(200) });
    // The report (thousands of W3696 warnings, one per App Mesh resource) goes to a file, read below.
    const quiet = (['log', 'warn', 'error'] as const).map((level) => jest.spyOn(console, level).mockImplementation(() => undefined));
    try {
      app.synth();
    } finally {
      quiet.forEach((spy) => spy.mockRestore());
    }
    stacks = readAssembly(outdir);
  });
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  test('is a core stack, service stacks and an API stack', () => {
    // THEN
    const names = stacks.map((stack) => stack.name).sort();
    expect(names[0]).toBe('gen200-api');
    expect(names[1]).toBe('gen200-platform');
    expect(names.slice(2).every((name) => /^gen200-services-\d\d$/.test(name))).toBe(true);
    expect(names.length - 2).toBe(platform.serviceStacks.size);
  });

  test('every stack is within 450 resources, 800 KiB and 200 outputs', () => {
    // THEN
    const facts = stacks.map((stack) => ({
      stack: stack.name,
      resources: Object.keys(stack.template.Resources).length,
      bytes: stack.bytes,
      outputs: Object.keys(stack.template.Outputs ?? {}).length,
    }));
    const over = facts.filter(
      (f) => f.resources > STACK_LIMITS.resources || f.bytes > STACK_LIMITS.templateBytes || f.outputs > STACK_LIMITS.outputs,
    );
    expect(over).toEqual([]);
    // … and they hold the whole platform: 32 resources per service and its route, plus the core's
    expect(facts.reduce((sum, f) => sum + f.resources, 0)).toBeGreaterThan(200 * 32);
  });

  test('CloudFormation Validate and cdk-nag report no error in any template', () => {
    // THEN (app.synth() would have thrown; the report says which templates were checked)
    const report = JSON.parse(fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf8'));
    const errors = report.pluginReports.flatMap((plugin: any) => plugin.violations.filter((v: any) => v.severity === 'error' || v.severity === 'fatal'));
    expect(errors).toEqual([]);
    const validate = report.pluginReports.find((plugin: any) => plugin.pluginName === 'CloudFormation Validate');
    expect(validate.conclusion).toBe('success');
  });

  test('every cross-stack reference reads an output of a stack deployed before it', () => {
    // THEN (aws-cdk-lib renders references between stacks as Fn::GetStackOutput)
    const byName = new Map(stacks.map((stack) => [stack.name, stack]));
    let references = 0;
    for (const stack of stacks) {
      expect(JSON.stringify(stack.template)).not.toMatch(/\$\{Token\[/);
      expect(valuesOf(stack.template, 'Fn::ImportValue')).toEqual([]);
      for (const reference of valuesOf(stack.template, 'Fn::GetStackOutput') as { StackName: string; OutputName: string }[]) {
        references++;
        const producer = byName.get(reference.StackName);
        expect([stack.name, reference, stack.dependencies.includes(reference.StackName), producer?.template.Outputs?.[reference.OutputName] !== undefined]).toEqual([
          stack.name,
          reference,
          true,
          true,
        ]);
      }
    }
    expect(references).toBeGreaterThan(1000);
  });

  test('holds in each service stack exactly the resources the layout estimated', () => {
    // THEN
    const plan = planServiceStacks(platform.model, platform.config.api.routes, platform.serviceStackCount);
    const byName = new Map(stacks.map((stack) => [stack.name, Object.keys(stack.template.Resources).length]));
    const actual = [...platform.serviceStacks].map(([, stack]) => [stack.stackName, byName.get(stack.stackName)]);
    // The assembly adds no CDK metadata resource here (the CLI's version reporting does).
    expect(actual).toEqual([...platform.serviceStacks].map(([n, stack]) => [stack.stackName, plan.resources.get(n)]));
  });

  test('deploys in order: the core first, the services after it, the API stage last', () => {
    // THEN
    const byName = new Map(stacks.map((stack) => [stack.name, stack]));
    expect(byName.get('gen200-platform')!.dependencies).toEqual([]);
    for (const stack of stacks.filter((s) => s.name.includes('-services-'))) expect(stack.dependencies).toContain('gen200-platform');
    const api = byName.get('gen200-api')!;
    for (const stack of stacks.filter((s) => s.name.includes('-services-'))) expect(api.dependencies).toContain(stack.name);
    // A deployment of every route, and the stage, usage plans and WAF in the API stack.
    for (const type of ['AWS::ApiGateway::Deployment', 'AWS::ApiGateway::Stage', 'AWS::ApiGateway::UsagePlan', 'AWS::WAFv2::WebACLAssociation']) {
      expect(stacks.filter((s) => Object.values<any>(s.template.Resources).some((r) => r.Type === type)).map((s) => s.name)).toEqual(['gen200-api']);
    }
  });

  test('the certificate issuer may write every proxy\'s secret with one statement, by tag', () => {
    // THEN: no overflow policies however many proxies there are
    const core = stacks.find((s) => s.name === 'gen200-platform')!;
    const policies = Object.values<any>(core.template.Resources).filter((r) => r.Type === 'AWS::IAM::ManagedPolicy');
    expect(policies).toEqual([]);
    const issuerPolicy = Object.entries<any>(core.template.Resources).find(([id, r]) => r.Type === 'AWS::IAM::Policy' && id.startsWith('MeshCertificatesIssuerRole'))![1];
    const secretStatements = issuerPolicy.Properties.PolicyDocument.Statement.filter((s: any) => JSON.stringify(s.Action).includes('secretsmanager:'));
    expect(secretStatements).toEqual([
      expect.objectContaining({
        Action: ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'],
        Condition: { StringEquals: { [`secretsmanager:ResourceTag/${MESH_CERTIFICATE_TAG}`]: 'gen200' } },
      }),
    ]);
    // … and every certificate secret, in every stack, carries the tag.
    const secrets = stacks.flatMap((s) => Object.values<any>(s.template.Resources).filter((r) => r.Type === 'AWS::SecretsManager::Secret'));
    expect(secrets).toHaveLength(1 + 1 + 200 * 2);
    for (const secret of secrets) expect(secret.Properties.Tags).toContainEqual({ Key: MESH_CERTIFICATE_TAG, Value: 'gen200' });
  });
});

/** The fewest service stacks that put orders and inventory in different ones. */
const APART = [2, 3, 4, 5, 6, 7, 8].find((n) => jumpConsistentHash('orders', n) !== jumpConsistentHash('inventory', n))!;

/** The reference services in {@link APART} service stacks, with calls both ways between orders and inventory. */
function mutualCalls(): PlatformConfig {
  const config = referenceConfig() as any;
  config.serviceStacks = APART;
  config.mesh.services.inventory.calls = ['orders'];
  return config;
}

describe('service stacks', () => {
  test('two services in different stacks may call each other: their rules are in the later stack', () => {
    // GIVEN orders and inventory call each other, in different stacks
    const platform = new Platform(testApp(), { config: mutualCalls() });
    const orders = platform.placement.stackOf('orders');
    const inventory = platform.placement.stackOf('inventory');
    expect(orders).not.toBe(inventory);
    const later = platform.stacks.indexOf(orders) > platform.stacks.indexOf(inventory) ? orders : inventory;

    // WHEN / THEN it synthesizes (no dependency cycle) and both pairs of rules are in the later stack
    const template = Template.fromStack(later);
    for (const [from, to] of [['orders', 'inventory'], ['inventory', 'orders']]) {
      template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { Description: `From ${from}`, FromPort: 8080 });
      template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', { Description: `To ${to}`, FromPort: 8080 });
    }
    const earlier = later === orders ? inventory : orders;
    Template.fromStack(earlier).resourceCountIs('AWS::EC2::SecurityGroupIngress', 1); // from the mesh ingress only
  });

  test('a route\'s methods are in its service\'s stack, and its deployment is new when a route changes', () => {
    // GIVEN the reference platform in service stacks
    const build = (change?: (config: any) => void) => {
      const config = mutualCalls() as any;
      change?.(config);
      return new Platform(testApp(), { config });
    };
    const platform = build();
    const deploymentId = (p: Platform) => Object.keys(Template.fromStack(p.apiStack).findResources('AWS::ApiGateway::Deployment'))[0];

    // THEN the methods of /inventory are in inventory's stack
    Template.fromStack(platform.placement.stackOf('inventory')).resourceCountIs('AWS::ApiGateway::Method', 1);
    // … the same config gives the same deployment, and a changed route (in another stack) a new one
    expect(deploymentId(build())).toBe(deploymentId(platform));
    expect(deploymentId(build((c) => (c.api.routes[3].apiKey = true)))).not.toBe(deploymentId(platform));
  });

  test('an explicit count is kept without a warning; an automatic one warns to set it', () => {
    // GIVEN / WHEN
    const explicit = new Platform(testApp(), { config: { ...generatePlatformConfig(13), serviceStacks: 3 } });
    const automatic = new Platform(testApp(), { config: generatePlatformConfig(13) });
    // THEN
    expect(explicit.serviceStackCount).toBe(3);
    Annotations.fromStack(explicit.coreStack).hasNoWarning('*', Match.stringLikeRegexp('serviceStacks is automatic'));
    expect(automatic.serviceStackCount).toBeGreaterThan(0);
    Annotations.fromStack(automatic.coreStack).hasWarning(
      '*',
      Match.stringLikeRegexp(`serviceStacks is automatic: the 13 services are spread over ${automatic.serviceStackCount} service stacks?\\. Set serviceStacks: ${automatic.serviceStackCount} in the config`),
    );
  });

  test('a platform too big for one stack fails synth with serviceStacks: 0, naming the stack, the count and the fix', () => {
    // GIVEN 20 services forced into one stack
    const app = new App({ context: { ...CDK_CONTEXT, 'aws:cdk:bundling-stacks': [], '@aws-cdk/core:stackResourceLimit': 0 } });
    new Platform(app, { config: { ...generatePlatformConfig(20), serviceStacks: 0 } });
    // WHEN / THEN
    expect(() => app.synth()).toThrow(
      /gen20-platform holds \d+ resources, over the platform's limit of 450 per stack \(CloudFormation allows 500\): leave serviceStacks out/,
    );
  });

  test('a platform whose services fit but whose whole does not is built again in service stacks', () => {
    // GIVEN 12 services: their estimate fits in one stack, with the core and the API stage it does not
    const app = new App({ context: { ...CDK_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
    // WHEN
    const platform = new Platform(app, { config: generatePlatformConfig(12) });
    // THEN the one-stack attempt is gone: the app holds exactly the sharded platform's stacks, which synthesize
    expect(platform.serviceStackCount).toBeGreaterThan(0);
    expect(app.node.children).toEqual(platform.stacks);
    const assembly = app.synth();
    expect(assembly.stacks.map((stack) => stack.stackName).sort()).toEqual(platform.stacks.map((stack) => stack.stackName).sort());
    expect(assembly.getStackByName('gen12-platform').template.Resources).not.toHaveProperty(
      Object.keys(Template.fromStack(platform.apiStack).findResources('AWS::ApiGateway::Stage'))[0],
    );
  });

  test('a platform that fits is one stack, whatever it could be split into', () => {
    // GIVEN / WHEN
    const platform = new Platform(testApp(), { config: referenceConfig() });
    // THEN
    expect(platform.stacks.map((stack: Stack) => stack.stackName)).toEqual(['shop-platform']);
    expect(platform.apiStack).toBe(platform.coreStack);
  });
});
