// A scenario for child-process runs: the prod platform's API and usage plans over two pages, where
// 'free' has a rate limit of 50 (the template: 5) and 'pro' a burst of 80 for POST /orders (40).
import { APIGatewayClient, GetRestApisCommand, GetUsagePlansCommand } from '@aws-sdk/client-api-gateway';
import { mockClient } from 'aws-sdk-client-mock';

const API_ID = 'a1b2c3d4e5';
const apigw = mockClient(APIGatewayClient);
apigw.on(GetRestApisCommand).resolves({ items: [{ id: API_ID, name: 'shop-api' }] });
apigw.on(GetUsagePlansCommand).resolves({
  items: [
    {
      id: 'up-free',
      name: 'shop-free',
      throttle: { rateLimit: 50, burstLimit: 10 },
      quota: { limit: 10_000, offset: 0, period: 'MONTH' },
      apiStages: [{ apiId: API_ID, stage: 'prod' }],
    },
  ],
  position: 'plans-2',
});
apigw.on(GetUsagePlansCommand, { position: 'plans-2' }).resolves({
  items: [
    {
      id: 'up-pro',
      name: 'shop-pro',
      throttle: { rateLimit: 100, burstLimit: 200 },
      quota: { limit: 5_000_000, offset: 0, period: 'MONTH' },
      apiStages: [{ apiId: API_ID, stage: 'prod', throttle: { '/orders/POST': { rateLimit: 20, burstLimit: 80 } } }],
    },
  ],
});
