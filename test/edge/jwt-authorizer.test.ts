import { Match, type Template } from 'aws-cdk-lib/assertions';
import { referenceConfig, synthEdge } from '../helpers';

describe('JwtAuthorizer', () => {
  let template: Template;
  beforeAll(() => {
    // GIVEN the reference config: issuer https://id.example.com/, audience shop-api, TTL 300
    template = synthEdge(referenceConfig().api).template;
  });

  test('the function is bundled for Node.js 24 on arm64 and configured by its contract variables', () => {
    // THEN
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^Verifies JWTs'),
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: Match.objectLike({ LogFormat: 'JSON' }),
      Environment: {
        Variables: {
          JWT_ISSUER: 'https://id.example.com/',
          JWT_AUDIENCE: 'shop-api',
          // Every JWT route that needs scopes, with them; routes that need only a valid token
          // (ANY /inventory/{proxy+}), Cognito and public routes are absent.
          ROUTE_SCOPES: JSON.stringify({
            'POST /orders': ['orders:write'],
            'GET /orders/{orderId}': ['orders:read'],
          }),
          NODE_OPTIONS: '--enable-source-maps',
        },
      },
    });
  });

  test('is a TOKEN authorizer on the Authorization header that caches for the configured TTL', () => {
    // THEN
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'TOKEN',
      Name: 'shop-jwt',
      IdentitySource: 'method.request.header.Authorization',
      AuthorizerResultTtlInSeconds: 300,
      IdentityValidationExpression: Match.stringLikeRegexp('^\\^Bearer '),
    });
  });

  test('the TTL follows props', () => {
    // GIVEN
    const api = referenceConfig().api;
    const config = { ...api, auth: { ...api.auth, jwt: { ...api.auth!.jwt!, cacheTtlSeconds: 0 } } };
    // WHEN
    const uncached = synthEdge(config).template;
    // THEN
    uncached.hasResourceProperties('AWS::ApiGateway::Authorizer', { Type: 'TOKEN', AuthorizerResultTtlInSeconds: 0 });
  });

  test('the role has no managed policy and writes only to its own log group', () => {
    // THEN
    const roles = Object.values(template.findResources('AWS::IAM::Role', { Properties: { Description: 'Execution role of authorizer' } }));
    expect(roles).toHaveLength(1);
    expect(roles[0].Properties.ManagedPolicyArns).toBeUndefined();
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Effect: 'Allow',
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('JwtHandlerLogs'), 'Arn'] },
          },
        ]),
      },
    });
  });
});
