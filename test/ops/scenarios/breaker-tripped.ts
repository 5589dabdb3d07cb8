// A scenario for child-process runs: the dev platform's API, its stage throttled to the spend
// breaker's floor (rate 1, burst 1) while the config says rate 50, burst 100.
import { APIGatewayClient, GetRestApisCommand, GetStageCommand } from '@aws-sdk/client-api-gateway';
import { mockClient } from 'aws-sdk-client-mock';

const apigw = mockClient(APIGatewayClient);
apigw.on(GetRestApisCommand).resolves({ items: [{ id: 'a1b2c3d4e5', name: 'shop-dev-api' }] });
apigw.on(GetStageCommand, { restApiId: 'a1b2c3d4e5', stageName: 'dev' }).resolves({
  stageName: 'dev',
  methodSettings: { '*/*': { throttlingRateLimit: 1, throttlingBurstLimit: 1, metricsEnabled: true } },
});
