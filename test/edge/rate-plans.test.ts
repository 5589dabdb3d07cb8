import { Match, type Template } from 'aws-cdk-lib/assertions';
import { referenceConfig, synthEdge } from '../helpers';

describe('RatePlans', () => {
  let template: Template;
  beforeAll(() => {
    // GIVEN the reference plans: free (5/10, 10,000 a month) and pro (100/200, 5M a month, POST /orders 20/40, key acme)
    template = synthEdge(referenceConfig().api).template;
  });

  test('each plan is a usage plan with its token bucket and quota on the stage', () => {
    // THEN
    template.hasResourceProperties('AWS::ApiGateway::UsagePlan', {
      UsagePlanName: 'shop-free',
      Throttle: { RateLimit: 5, BurstLimit: 10 },
      Quota: { Limit: 10000, Period: 'MONTH' },
      ApiStages: [{ ApiId: { Ref: Match.stringLikeRegexp('Api') }, Stage: { Ref: Match.stringLikeRegexp('^ApiStage') } }],
    });
  });

  test('per-method throttles are keyed by resource path and method', () => {
    // THEN
    template.hasResourceProperties('AWS::ApiGateway::UsagePlan', {
      UsagePlanName: 'shop-pro',
      Throttle: { RateLimit: 100, BurstLimit: 200 },
      Quota: { Limit: 5000000, Period: 'MONTH' },
      ApiStages: [Match.objectLike({ Throttle: { '/orders/POST': { RateLimit: 20, BurstLimit: 40 } } })],
    });
  });

  test('named keys are created on their plan, with values left to API Gateway', () => {
    // THEN
    template.resourceCountIs('AWS::ApiGateway::ApiKey', 1);
    template.hasResourceProperties('AWS::ApiGateway::ApiKey', { Name: 'shop-acme', Enabled: true, Value: Match.absent() });
    template.hasResourceProperties('AWS::ApiGateway::UsagePlanKey', {
      KeyType: 'API_KEY',
      UsagePlanId: { Ref: Match.stringLikeRegexp('RatePlanspro') },
    });
  });

  test('tuning a plan is changing one number: the template changes in that number only', () => {
    // GIVEN the reference config, and the same with the free plan's burst raised
    const before = synthEdge(referenceConfig().api).template.toJSON();
    const tuned = referenceConfig();
    tuned.api.ratePlans!.free = { ...tuned.api.ratePlans!.free, throttle: { rateLimit: 5, burstLimit: 25 } };
    // WHEN
    const after = synthEdge(tuned.api).template.toJSON();
    // THEN exactly one value differs, the free plan's burst
    const differences = diff(before, after);
    expect(differences).toEqual([{ path: expect.stringMatching(/^Resources\.ApiRatePlansfree[0-9A-F]+\.Properties\.Throttle\.BurstLimit$/), before: 10, after: 25 }]);
  });
});

/** The leaves that differ between two JSON values. */
function diff(a: unknown, b: unknown, path = ''): { path: string; before: unknown; after: unknown }[] {
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].flatMap((key) => diff((a as any)[key], (b as any)[key], path ? `${path}.${key}` : key));
  }
  return a === b ? [] : [{ path, before: a, after: b }];
}
