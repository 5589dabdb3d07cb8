import { Match, type Template } from 'aws-cdk-lib/assertions';
import { referenceConfig, synthEdge } from '../helpers';

describe('PlatformRestApi', () => {
  let template: Template;
  beforeAll(() => {
    // GIVEN the reference API (stage 'prod', 500 rps / 1000 burst)
    // WHEN it is synthesized
    template = synthEdge(referenceConfig().api).template;
  });

  test('is a regional REST API named after the platform', () => {
    // THEN
    template.hasResourceProperties('AWS::ApiGateway::RestApi', {
      Name: 'shop-api',
      EndpointConfiguration: { Types: ['REGIONAL'] },
    });
  });

  test('the stage throttles every method by default, traces, and logs JSON access lines', () => {
    // THEN
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'prod',
      TracingEnabled: true,
      AccessLogSetting: {
        DestinationArn: { 'Fn::Join': ['', Match.arrayWith([{ Ref: Match.stringLikeRegexp('AccessLogs') }])] },
        Format: Match.serializedJson(
          Match.objectLike({ requestId: '$context.requestId', status: '$context.status', apiKeyId: '$context.identity.apiKeyId' }),
        ),
      },
      MethodSettings: [
        {
          HttpMethod: '*',
          ResourcePath: '/*',
          ThrottlingRateLimit: 500,
          ThrottlingBurstLimit: 1000,
          MetricsEnabled: true,
          LoggingLevel: 'ERROR',
          DataTraceEnabled: false,
        },
      ],
    });
  });

  test('access logs are kept for the configured number of days', () => {
    // THEN: 90 by default
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
  });

  test('a request validator checks parameters and bodies, and every method uses it', () => {
    // THEN
    template.hasResourceProperties('AWS::ApiGateway::RequestValidator', {
      ValidateRequestBody: true,
      ValidateRequestParameters: true,
    });
    const methods = template.findResources('AWS::ApiGateway::Method');
    expect(Object.keys(methods).length).toBeGreaterThan(0);
    for (const method of Object.values(methods)) {
      expect(method.Properties.RequestValidatorId).toEqual({ Ref: expect.stringMatching(/RequestValidator/) });
    }
  });

  test('sets the account logging role, kept on delete, unless told not to', () => {
    // THEN
    template.hasResource('AWS::ApiGateway::Account', { DeletionPolicy: 'Retain' });

    // GIVEN an account that already has the role
    const api = { ...referenceConfig().api, manageAccountLogRole: false };
    // WHEN
    const without = synthEdge(api).template;
    // THEN
    without.resourceCountIs('AWS::ApiGateway::Account', 0);
  });
});
