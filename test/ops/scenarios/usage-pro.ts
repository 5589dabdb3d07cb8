// A scenario for child-process runs: the dev platform's 'pro' usage plan (on the second page of
// plans) with three keys over two pages, and usage over two pages: beta 1,000 calls, acme 400, idle 0.
import { APIGatewayClient, GetUsageCommand, GetUsagePlanKeysCommand, GetUsagePlansCommand } from '@aws-sdk/client-api-gateway';
import { mockClient } from 'aws-sdk-client-mock';

const apigw = mockClient(APIGatewayClient);
apigw.on(GetUsagePlansCommand).resolves({ items: [{ id: 'up-free', name: 'shop-dev-free' }], position: 'plans-2' });
apigw.on(GetUsagePlansCommand, { position: 'plans-2' }).resolves({ items: [{ id: 'up-pro', name: 'shop-dev-pro' }] });
apigw.on(GetUsagePlanKeysCommand, { usagePlanId: 'up-pro' }).resolves({ items: [{ id: 'k-acme', name: 'shop-dev-acme', type: 'API_KEY' }], position: 'keys-2' });
apigw.on(GetUsagePlanKeysCommand, { usagePlanId: 'up-pro', position: 'keys-2' }).resolves({
  items: [
    { id: 'k-beta', name: 'shop-dev-beta', type: 'API_KEY' },
    { id: 'k-idle', name: 'shop-dev-idle', type: 'API_KEY' },
  ],
});
apigw.on(GetUsageCommand, { usagePlanId: 'up-pro' }).resolves({ items: { 'k-acme': [[100, 900], [250, 650]] }, position: 'usage-2' });
apigw.on(GetUsageCommand, { usagePlanId: 'up-pro', position: 'usage-2' }).resolves({ items: { 'k-acme': [[50, 600]], 'k-beta': [[1000, 0]] } });
