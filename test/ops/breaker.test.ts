import {
  APIGatewayClient,
  APIGatewayServiceException,
  GetRestApisCommand,
  GetStageCommand,
  type MethodSetting,
  NotFoundException,
  type Stage,
  UpdateStageCommand,
} from '@aws-sdk/client-api-gateway';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { runOps, runOpsProcess } from './helpers/run';
import { unusedPort } from '../net';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const apigw = mockClient(APIGatewayClient);
const REGION = ['--region', 'eu-west-1'];
const API_ID = 'a1b2c3d4e5';

/** A stage whose default method settings have this throttle. */
function stage(stageName: string, rateLimit?: number, burstLimit?: number): Stage {
  const methodSettings: Record<string, MethodSetting> =
    rateLimit === undefined ? {} : { '*/*': { throttlingRateLimit: rateLimit, throttlingBurstLimit: burstLimit, metricsEnabled: true } };
  return { stageName, methodSettings };
}

/** The region's APIs over two pages: the platform's is on the second. */
function givenApis(name = 'shop-api') {
  apigw.on(GetRestApisCommand).resolves({ items: [{ id: 'zzz9', name: 'someone-else' }], position: 'page-2' });
  apigw.on(GetRestApisCommand, { position: 'page-2' }).resolves({ items: [{ id: API_ID, name }] });
}

beforeEach(() => {
  apigw.reset();
});

describe('breaker status', () => {
  test('normal: the stage has the config throttle → exit 0', async () => {
    // GIVEN the prod API (found on the second page) and its stage at api.throttle (500/1000)
    givenApis();
    apigw.on(GetStageCommand, { restApiId: API_ID, stageName: 'prod' }).resolves(stage('prod', 500, 1000));

    // WHEN
    const run = await runOps('--env', 'prod', ...REGION, '--json', 'breaker', 'status');

    // THEN
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      restApi: { id: API_ID, name: 'shop-api' },
      stage: 'prod',
      state: 'normal',
      configured: { rateLimit: 500, burstLimit: 1000 },
      live: { rateLimit: 500, burstLimit: 1000 },
      floor: { rateLimit: 1, burstLimit: 1 },
    });
    expect(apigw).toHaveReceivedCommandTimes(GetRestApisCommand, 2);
    expect(apigw).toHaveReceivedNthCommandWith(2, GetRestApisCommand, { position: 'page-2' });
    expect(apigw).toHaveReceivedCommandWith(GetStageCommand, { restApiId: API_ID, stageName: 'prod' });
  });

  test('tripped: the stage is at the breaker floor → exit 1 and a table', async () => {
    // GIVEN the stage at the floor (1/1)
    givenApis();
    apigw.on(GetStageCommand).resolves(stage('prod', 1, 1));

    // WHEN
    const run = await runOps('--env', 'prod', ...REGION, 'breaker', 'status');

    // THEN
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(
      [
        "stage prod of shop-api (a1b2c3d4e5): tripped: the stage's default throttle is below the config's (the spend breaker lowers it to its floor); `breaker reset` restores it",
        'setting     config  live  breaker floor',
        '----------  ------  ----  -------------',
        'rateLimit      500     1              1',
        'burstLimit    1000     1              1',
        '',
      ].join('\n'),
    );
  });

  test.each([
    ['higher than the config', stage('prod', 800, 1000)],
    ['not set on the stage', stage('prod')],
    ['lower in one limit, higher in the other', stage('prod', 100, 2000)],
  ])('differs: %s → exit 1', async (_, liveStage) => {
    // GIVEN
    givenApis();
    apigw.on(GetStageCommand).resolves(liveStage);
    // WHEN
    const run = await runOps('--env', 'prod', ...REGION, '--json', 'breaker', 'status');
    // THEN
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).state).toBe('differs');
  });

  test('no API of the platform\'s name → exit 2 with one line', async () => {
    // GIVEN a region without the dev platform's API
    givenApis('shop-api');
    // WHEN
    const run = await runOps('--env', 'dev', ...REGION, 'breaker', 'status');
    // THEN
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('error: no REST API named shop-dev-api in eu-west-1: is the platform deployed there?\n');
    expect(apigw).not.toHaveReceivedCommand(GetStageCommand);
  });

  test('no stage of the config\'s name → exit 2 with one line', async () => {
    // GIVEN the API without its stage
    givenApis();
    apigw.on(GetStageCommand).rejects(new NotFoundException({ message: 'Invalid stage identifier specified', $metadata: {} }));
    // WHEN
    const run = await runOps('--env', 'prod', ...REGION, 'breaker', 'status');
    // THEN
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('error: no stage prod on REST API shop-api (a1b2c3d4e5) in eu-west-1: is the platform deployed there?\n');
  });

  test('access denied → exit 2 and one error line', async () => {
    // GIVEN a caller without apigateway:GET
    apigw.on(GetRestApisCommand).rejects(
      new APIGatewayServiceException({
        name: 'AccessDeniedException',
        $fault: 'client',
        $metadata: { httpStatusCode: 403 },
        message: 'User: arn:aws:iam::111122223333:user/ops is not authorized to perform: apigateway:GET',
      }),
    );
    // WHEN
    const run = await runOps('--env', 'prod', ...REGION, 'breaker', 'status');
    // THEN
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('error: access denied: User: arn:aws:iam::111122223333:user/ops is not authorized to perform: apigateway:GET\n');
    expect(run.stdout).toBe('');
  });
});

describe('breaker reset', () => {
  test('tripped: replaces both limits with the config values, and prints what changed', async () => {
    // GIVEN a tripped stage; UpdateStage returns the stage as updated
    givenApis();
    apigw.on(GetStageCommand).resolves(stage('prod', 1, 1));
    apigw.on(UpdateStageCommand).resolves(stage('prod', 500, 1000));

    // WHEN
    const run = await runOps('--env', 'prod', ...REGION, 'breaker', 'reset');

    // THEN exactly this patch, once
    expect(run.code).toBe(0);
    expect(apigw).toHaveReceivedCommandTimes(UpdateStageCommand, 1);
    expect(apigw.commandCalls(UpdateStageCommand)[0].args[0].input).toEqual({
      restApiId: API_ID,
      stageName: 'prod',
      patchOperations: [
        { op: 'replace', path: '/*/*/throttling/rateLimit', value: '500' },
        { op: 'replace', path: '/*/*/throttling/burstLimit', value: '1000' },
      ],
    });
    expect(run.stdout).toBe(
      [
        "stage prod of shop-api (a1b2c3d4e5): the default throttle is the config's again",
        'setting     from    to',
        '----------  ----  ----',
        'rateLimit      1   500',
        'burstLimit     1  1000',
        '',
      ].join('\n'),
    );
  });

  test('only the limit that differs is patched', async () => {
    // GIVEN a stage whose burst is the config's but whose rate is not
    givenApis();
    apigw.on(GetStageCommand).resolves(stage('prod', 20, 1000));
    apigw.on(UpdateStageCommand).resolves(stage('prod', 500, 1000));
    // WHEN
    const run = await runOps('--env', 'prod', ...REGION, '--json', 'breaker', 'reset');
    // THEN
    expect(run.code).toBe(0);
    expect(apigw).toHaveReceivedCommandWith(UpdateStageCommand, {
      patchOperations: [{ op: 'replace', path: '/*/*/throttling/rateLimit', value: '500' }],
    });
    expect(JSON.parse(run.stdout)).toMatchObject({ applied: true, dryRun: false, changes: [{ setting: 'rateLimit', from: 20, to: 500 }] });
  });

  test('--dry-run prints the patch and does not call UpdateStage', async () => {
    // GIVEN a tripped dev stage (config 50/100)
    givenApis('shop-dev-api');
    apigw.on(GetStageCommand, { restApiId: API_ID, stageName: 'dev' }).resolves(stage('dev', 1, 1));
    // WHEN
    const run = await runOps('--env', 'dev', ...REGION, 'breaker', 'reset', '--dry-run');
    // THEN
    expect(run.code).toBe(0);
    expect(apigw).not.toHaveReceivedCommand(UpdateStageCommand);
    expect(run.stdout).toBe(
      [
        'stage dev of shop-dev-api (a1b2c3d4e5): dry run, nothing changed; UpdateStage would apply:',
        '  replace /*/*/throttling/rateLimit 50',
        '  replace /*/*/throttling/burstLimit 100',
        '',
        'setting     from   to',
        '----------  ----  ---',
        'rateLimit      1   50',
        'burstLimit     1  100',
        '',
      ].join('\n'),
    );
  });

  test('already normal: nothing to change, no UpdateStage', async () => {
    // GIVEN
    givenApis();
    apigw.on(GetStageCommand).resolves(stage('prod', 500, 1000));
    // WHEN
    const run = await runOps('--env', 'prod', ...REGION, 'breaker', 'reset');
    // THEN
    expect(run.code).toBe(0);
    expect(apigw).not.toHaveReceivedCommand(UpdateStageCommand);
    expect(run.stdout).toContain("already the config's (rate 500, burst 1000); nothing to change");
  });

  test('access denied on UpdateStage → exit 2 and one error line', async () => {
    // GIVEN a caller who may read the stage but not change it
    givenApis();
    apigw.on(GetStageCommand).resolves(stage('prod', 1, 1));
    apigw.on(UpdateStageCommand).rejects(
      new APIGatewayServiceException({
        name: 'AccessDeniedException',
        $fault: 'client',
        $metadata: { httpStatusCode: 403 },
        message: 'not authorized to perform: apigateway:PATCH',
      }),
    );
    // WHEN
    const run = await runOps('--env', 'prod', ...REGION, 'breaker', 'reset');
    // THEN
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('error: access denied: not authorized to perform: apigateway:PATCH\n');
  });
});

describe('breaker as a child process', () => {
  test('status of a tripped stage: exit 1 and the table', () => {
    // GIVEN the dev stage at the floor (scenario breaker-tripped)
    // WHEN
    const run = runOpsProcess(['--env', 'dev', 'breaker', 'status'], { scenario: 'breaker-tripped' });
    // THEN
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('stage dev of shop-dev-api (a1b2c3d4e5): tripped');
    expect(run.stdout).toContain('rateLimit       50     1              1');
  });

  test('throttled requests are retried by the SDK (real client, fake endpoint)', async () => {
    // GIVEN a fake API Gateway that throttles the first GetRestApis and the first GetStage
    const port = await unusedPort();
    // WHEN
    const run = runOpsProcess(['--env', 'dev', 'breaker', 'status'], {
      scenario: 'breaker-throttled',
      env: { FAKE_API_GATEWAY_PORT: String(port), AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
    });
    // THEN each was sent twice, and the second answers made it through: normal, exit 0
    expect(run.stderr).toBe(
      [
        'fake-api-gateway: GET /restapis',
        'fake-api-gateway: GET /restapis',
        'fake-api-gateway: GET /restapis/a1b2c3d4e5/stages/dev',
        'fake-api-gateway: GET /restapis/a1b2c3d4e5/stages/dev',
        '',
      ].join('\n'),
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("stage dev of shop-dev-api (a1b2c3d4e5): normal");
  });
});
