import { Match, Template } from 'aws-cdk-lib/assertions';
import type { PlatformConfig } from '../../lib/config/types';
import { Platform } from '../../lib/platform';
import { referenceConfig, testApp } from '../helpers';

/** The template of a platform that fits in one stack. */
function synth(config: PlatformConfig): Template {
  const platform = new Platform(testApp(), { config });
  expect(platform.stacks).toEqual([platform.coreStack]);
  return Template.fromStack(platform.coreStack);
}

/** The parts of a CloudFormation Fn::Join as one string, tokens shown as `<…>`. */
function joined(value: any): string {
  if (typeof value === 'string') return value;
  return value['Fn::Join'][1].map((part: any) => (typeof part === 'string' ? part : '<token>')).join('');
}

describe('the cost guardrails', () => {
  let template: Template;
  beforeAll(() => {
    // GIVEN the reference platform: a 500 USD budget, ops@example.com, a breaker with floor 1/1
    template = synth(referenceConfig());
  });

  test('a monthly COST budget over the platform tag, with no fixed name', () => {
    // THEN
    const budgets = Object.values(template.findResources('AWS::Budgets::Budget'));
    expect(budgets).toHaveLength(1);
    expect(budgets[0].Properties.Budget).toEqual({
      BudgetType: 'COST',
      TimeUnit: 'MONTHLY',
      BudgetLimit: { Amount: 500, Unit: 'USD' },
      CostFilters: { TagKeyValue: ['user:platform$shop'] },
    });
    expect(budgets[0].DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/CostAlertsTopic/)]));
  });

  test('notifies on ACTUAL spend at 50, 80 and 100 % and FORECASTED at 100 %, to the topic and by e-mail', () => {
    // THEN
    const subscribers = [
      { SubscriptionType: 'SNS', Address: { Ref: Match.stringLikeRegexp('CostAlertsTopic') } },
      { SubscriptionType: 'EMAIL', Address: 'ops@example.com' },
    ];
    const notification = (NotificationType: string, Threshold: number) => ({
      Notification: { NotificationType, ComparisonOperator: 'GREATER_THAN', Threshold, ThresholdType: 'PERCENTAGE' },
      Subscribers: subscribers,
    });
    template.hasResourceProperties('AWS::Budgets::Budget', {
      NotificationsWithSubscribers: [notification('ACTUAL', 50), notification('ACTUAL', 80), notification('ACTUAL', 100), notification('FORECASTED', 100)],
    });
  });

  test('the topic is encrypted with a rotating key only Budgets and CloudWatch of this account may use', () => {
    // THEN
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('CostAlertsKey'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      Description: 'Encrypts the shop cost notifications',
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          {
            Sid: 'CostPublishersEncrypt',
            Effect: 'Allow',
            Principal: { Service: ['budgets.amazonaws.com', 'cloudwatch.amazonaws.com'] },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Resource: '*',
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          },
        ]),
      },
    });
  });

  test('only Budgets and CloudWatch may publish, and only over TLS', () => {
    // THEN
    const policy = Object.values(template.findResources('AWS::SNS::TopicPolicy'))[0].Properties.PolicyDocument.Statement;
    expect(policy).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        expect.objectContaining({
          Sid: 'CostPublishersPublish',
          Effect: 'Allow',
          Action: 'sns:Publish',
          Principal: { Service: ['budgets.amazonaws.com', 'cloudwatch.amazonaws.com'] },
          Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
        }),
        expect.objectContaining({
          Sid: 'OnlyCostPublishersPublish',
          Effect: 'Deny',
          Action: 'sns:Publish',
          Principal: { AWS: '*' },
          Condition: { StringNotEqualsIfExists: { 'aws:PrincipalServiceName': ['budgets.amazonaws.com', 'cloudwatch.amazonaws.com'] } },
        }),
      ]),
    );
  });

  test('e-mail subscribers get the alarms from the topic, and the budget notifications only from Budgets', () => {
    // THEN
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
      FilterPolicyScope: 'MessageBody',
      FilterPolicy: { AlarmName: [{ exists: true }] },
    });
  });

  test('the hourly alarm fires above budget / 730 x burst factor for the configured hours', () => {
    // THEN: 500 / 730 * 3
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'shop-spend-per-hour',
      Threshold: (500 / 730) * 3,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 2,
      DatapointsToAlarm: 2,
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('CostAlertsTopic') }],
      OKActions: [{ Ref: Match.stringLikeRegexp('CostAlertsTopic') }],
      Metrics: Match.arrayWith([
        Match.objectLike({
          Expression: 'FILL(calls, 0) * 0.0000035 + FILL(invocations, 0) * 0.0000002 + FILL(durationMs, 0) * 0.00000000333335',
          ReturnData: true,
        }),
        Match.objectLike({
          Id: 'calls',
          MetricStat: {
            Metric: {
              Namespace: 'AWS/ApiGateway',
              MetricName: 'Count',
              Dimensions: Match.arrayWith([{ Name: 'ApiName', Value: 'shop-api' }, { Name: 'Stage', Value: { Ref: Match.anyValue() } }]),
            },
            Period: 3600,
            Stat: 'Sum',
          },
          ReturnData: false,
        }),
        Match.objectLike({ Id: 'durationMs', MetricStat: Match.objectLike({ Metric: Match.objectLike({ Namespace: 'AWS/Lambda', MetricName: 'Duration' }) }) }),
      ]),
    });
  });

  test('the projection alarm fires when the last day, projected over a month, exceeds the budget', () => {
    // THEN
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'shop-spend-projected-month',
      Threshold: 500,
      EvaluationPeriods: 1,
      Metrics: Match.arrayWith([Match.objectLike({ Expression: 'daily * 30.416666666666668', ReturnData: true })]),
    });
  });

  test('thresholds and prices follow props', () => {
    // GIVEN
    const config = referenceConfig();
    const tuned = {
      ...config,
      cost: { ...config.cost, monthlyBudgetUsd: 7300, spendAlarm: { burstFactor: 2, evaluationHours: 4 }, prices: { restApiCallsPerMillion: 1 } },
    };
    // WHEN
    const after = synth(tuned);
    // THEN
    after.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'shop-spend-per-hour',
      Threshold: 20,
      EvaluationPeriods: 4,
      Metrics: Match.arrayWith([Match.objectLike({ Expression: Match.stringLikeRegexp('^FILL\\(calls, 0\\) \\* 0.000001 \\+') })]),
    });
  });

  test('the dashboard shows traffic, errors, throttling, latency, spend and the projection', () => {
    // THEN
    const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    expect(dashboard.Properties.DashboardName).toBe('shop-cost');
    const body = joined(dashboard.Properties.DashboardBody);
    for (const title of ['Calls', 'Errors', 'Throttled (429)', 'Latency', 'Estimated spend per hour (USD)', 'Month projected from the last day (USD)']) {
      expect(body).toContain(`"title":"${title}"`);
    }
    expect(body).toContain('"stat":"p99"');
    expect(body).toContain('"ThrottledRequests"');
  });

  test('429s are counted from the access log', () => {
    // THEN
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: '{ $.status = "429" }',
      MetricTransformations: [{ MetricNamespace: 'Platform/shop', MetricName: 'ThrottledRequests', MetricValue: '1', DefaultValue: 0 }],
    });
  });

  test('the breaker listens to the topic, knows its alarms, budget and floor, and may touch only this stage', () => {
    // THEN
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^Throttles the shop API stage'),
      Environment: {
        Variables: Match.objectLike({
          FLOOR_RATE_LIMIT: '1',
          FLOOR_BURST_LIMIT: '1',
          ALARM_NAMES: { 'Fn::Join': ['', [{ Ref: Match.stringLikeRegexp('SpendAlarmsHourly') }, ',', { Ref: Match.stringLikeRegexp('SpendAlarmsProjectedMonth') }]] },
          BUDGET_NAME: { Ref: Match.stringLikeRegexp('CostBudget') },
          BUDGET_LIMIT_USD: '500',
          TRIP_ON_BUDGET_PERCENT: '100',
          STAGE_NAME: { Ref: Match.stringLikeRegexp('^ApiStage') },
        }),
      },
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      TopicArn: { Ref: Match.stringLikeRegexp('CostAlertsTopic') },
    });
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement)
      .filter((s: any) => [s.Action].flat().some((a: string) => a.startsWith('apigateway:')));
    expect(statements).toHaveLength(1);
    expect(statements[0].Action).toEqual(['apigateway:GET', 'apigateway:PATCH']);
    expect(joined(statements[0].Resource)).toMatch(/^arn:<token>:apigateway:<token>::\/restapis\/<token>\/stages\/<token>$/);
  });

  test('without a breaker in props there is none', () => {
    // GIVEN
    const config = referenceConfig();
    // WHEN
    const without = synth({ ...config, cost: { ...config.cost, breaker: undefined } });
    // THEN
    without.resourceCountIs('AWS::SNS::Subscription', 1);
    expect(JSON.stringify(without.toJSON())).not.toContain('FLOOR_RATE_LIMIT');
  });
});
