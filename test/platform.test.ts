import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, type Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { prod } from '../bin/environments/prod';
import { PlatformConfigError } from '../lib/config/validate';
import { COST_ALLOCATION_TAG, Platform } from '../lib/platform';
import { createPlatformApp } from '../lib/platform-app';
import { CDK_CONTEXT, redactAssetHashes, referenceConfig, testApp } from './helpers';

/** Synthesizes the reference app through the gates (cdk-nag, CloudFormation Validate) into a folder. */
function synthReferenceApp(outdir: string): Platform {
  const app = createPlatformApp({ outdir, context: CDK_CONTEXT });
  const platform = new Platform(app, { config: prod });
  app.synth();
  return platform;
}

describe('the reference app', () => {
  let outdir: string;
  let stack: Stack;
  beforeAll(() => {
    // GIVEN the prod config of the reference app
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-'));
    // WHEN it is synthesized with cdk-nag and CloudFormation Validate gating synth (a finding of
    // error level makes app.synth() throw)
    const platform = synthReferenceApp(outdir);
    stack = platform.coreStack;
  });

  test('is one stack, shop-platform: it fits', () => {
    // THEN
    expect(fs.readdirSync(outdir).filter((name) => name.endsWith('.template.json'))).toEqual(['shop-platform.template.json']);
    expect(stack.stackName).toBe('shop-platform');
  });
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  test('passes the gates, and the validation report lists no failure', () => {
    // THEN
    const report = JSON.parse(fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf8'));
    const errors = report.pluginReports.flatMap((plugin: any) =>
      plugin.violations.filter((v: any) => v.severity === 'error' || v.severity === 'fatal'),
    );
    expect(errors).toEqual([]);
  });

  test('every App Mesh resource keeps its W3696 end-of-support warning visible', () => {
    // THEN: one warning per App Mesh resource, none acknowledged away
    const report = JSON.parse(fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf8'));
    const warned = report.pluginReports
      .flatMap((plugin: any) => plugin.violations)
      .filter((v: any) => v.ruleName === 'W3696' && v.severity === 'warning')
      .flatMap((v: any) => v.violatingConstructs.map((c: any) => c.constructPath));
    const appMeshResources = Object.entries(Template.fromStack(stack).toJSON().Resources).filter(([, r]: [string, any]) =>
      r.Type.startsWith('AWS::AppMesh::'),
    );
    expect(appMeshResources.length).toBeGreaterThan(10);
    expect(warned).toHaveLength(appMeshResources.length);
  });

  test('matches the snapshot (asset hashes redacted)', () => {
    // THEN
    expect(redactAssetHashes(Template.fromStack(stack).toJSON())).toMatchSnapshot();
  });

  test('synthesizes the same bytes twice', () => {
    // GIVEN a second synth into another folder, with bundling but without the gates: they read the
    // templates and never write them, and running them twice would double this file's time
    const again = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-'));
    try {
      const app = new App({ outdir: again, context: CDK_CONTEXT });
      new Platform(app, { config: prod });
      app.synth();
      // THEN the template and the bundled assets are identical
      const first = fs.readFileSync(path.join(outdir, 'shop-platform.template.json'));
      const second = fs.readFileSync(path.join(again, 'shop-platform.template.json'));
      expect(second.equals(first)).toBe(true);
      const assets = (dir: string) => fs.readdirSync(dir).filter((name) => name.startsWith('asset.')).sort();
      expect(assets(again)).toEqual(assets(outdir));
    } finally {
      fs.rmSync(again, { recursive: true, force: true });
    }
  });

  test('tags every taggable resource with the cost-allocation tag', () => {
    // THEN
    const template = Template.fromStack(stack);
    const tag = { Key: COST_ALLOCATION_TAG, Value: 'shop' };
    for (const type of ['AWS::EC2::VPC', 'AWS::EC2::NatGateway', 'AWS::ApiGateway::RestApi', 'AWS::ApiGateway::Stage', 'AWS::ElasticLoadBalancingV2::LoadBalancer', 'AWS::Logs::LogGroup']) {
      template.allResourcesProperties(type, { Tags: Match.arrayWith([tag]) });
    }
    // aws-cdk-lib's own provider for restricting the default security group is a raw resource that
    // takes no tags; it runs once per deployment.
    const roles = Object.entries(template.findResources('AWS::IAM::Role')).filter(([id]) => !id.startsWith('CustomVpcRestrictDefaultSG'));
    expect(roles.length).toBeGreaterThan(0);
    for (const [, role] of roles) expect(role.Properties.Tags).toContainEqual(tag);
    template.hasResourceProperties('AWS::Lambda::Function', { Description: Match.stringLikeRegexp('^Verifies JWTs'), Tags: Match.arrayWith([tag]) });
    template.hasResourceProperties('AWS::Cognito::UserPool', { UserPoolTags: { [COST_ALLOCATION_TAG]: 'shop' } });
  });

  test('outputs the API URL, the machine client and the token endpoint, and no secret', () => {
    // THEN
    const outputs = Template.fromStack(stack).toJSON().Outputs;
    expect(Object.keys(outputs).sort()).toEqual(['ApiUrl', 'MachineClientId', 'TokenEndpoint']);
    expect(JSON.stringify(outputs)).not.toMatch(/ClientSecret|Value"?:\s*"[A-Za-z0-9]{20,}/);
  });
});

describe('the reference app on Service Connect (-c mesh=service-connect)', () => {
  let outdir: string;
  let template: any;
  let report: any;
  beforeAll(() => {
    // GIVEN the CDK app itself, as `cdk synth -c env=prod -c mesh=service-connect` runs it (the CLI
    // hands the app its context and output folder in these variables)
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-sc-'));
    // WHEN it synthesizes through the gates
    execFileSync(process.execPath, [require.resolve('tsx/cli'), path.join(__dirname, '..', 'bin', 'app.ts')], {
      env: { ...process.env, CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: JSON.stringify({ ...CDK_CONTEXT, env: 'prod', mesh: 'service-connect' }) },
      stdio: 'pipe',
    });
    template = JSON.parse(fs.readFileSync(path.join(outdir, 'shop-platform.template.json'), 'utf8'));
    report = JSON.parse(fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf8'));
  }, 120_000);
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  test('is a complete platform without any App Mesh resource', () => {
    // THEN
    const types = new Set(Object.values(template.Resources).map((r: any) => r.Type as string));
    expect([...types].filter((type) => type.startsWith('AWS::AppMesh::'))).toEqual([]);
    for (const type of ['AWS::ApiGateway::Stage', 'AWS::ECS::Service', 'AWS::ACMPCA::CertificateAuthority', 'AWS::Budgets::Budget', 'AWS::WAFv2::WebACL']) {
      expect(types).toContain(type);
    }
    expect(Object.keys(template.Outputs).sort()).toEqual(['ApiUrl', 'MachineClientId', 'TokenEndpoint']);
  });

  test('passes both gates, and CloudFormation Validate finds nothing at all: no error, no W3696', () => {
    // THEN aws-cdk-lib leaves a plugin out of the report when it passes with no finding, so only
    // the construct annotations (our own warnings) are in it; the App Mesh synth above shows the
    // same plugin reporting W3696, so it does run
    expect(report.pluginReports.map((plugin: any) => plugin.pluginName)).toEqual(['Construct Annotations']);
    const violations = report.pluginReports.flatMap((plugin: any) => plugin.violations);
    expect(violations.filter((v: any) => v.severity !== 'warning')).toEqual([]);
    expect(violations.filter((v: any) => v.ruleName === 'W3696')).toEqual([]);
  });

  test("warns of what Service Connect does not honour in orders' config", () => {
    // THEN
    const warning = report.pluginReports
      .flatMap((plugin: any) => plugin.violations)
      .find((v: any) => v.ruleName === 'Annotation::@platform/mesh:service-connect-not-honoured');
    expect(warning.description).toMatch(/^orders: Service Connect does not honour retries \(3 attempts, 2000 ms per try\)/);
    expect(warning.violatingConstructs.map((c: any) => c.constructPath)).toEqual(['shop-platform/Mesh/orders']);
  });

  test('matches the snapshot (asset hashes redacted)', () => {
    // THEN
    expect(redactAssetHashes(template)).toMatchSnapshot();
  });
});

describe('a bad config', () => {
  test('fails before any resource is created, naming the field', () => {
    // GIVEN a plan whose burst is below its rate
    const config = referenceConfig();
    config.api.ratePlans!.free = { ...config.api.ratePlans!.free, throttle: { rateLimit: 50, burstLimit: 10 } };
    const app = testApp();
    // WHEN / THEN
    expect(() => new Platform(app, { config })).toThrow(PlatformConfigError);
    expect(() => new Platform(app, { config })).toThrow(/api\.ratePlans\.free\.throttle\.burstLimit/);
    expect(app.node.children).toHaveLength(0);
  });
});
