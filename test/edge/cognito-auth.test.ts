import { Match, type Template } from 'aws-cdk-lib/assertions';
import { referenceConfig, synthEdge } from '../helpers';

describe('CognitoAuth', () => {
  let template: Template;
  beforeAll(() => {
    // GIVEN the reference config: a new pool, domain 'shop-auth', scopes orders.read and orders.write
    template = synthEdge(referenceConfig().api).template;
  });

  test('creates a user pool without self sign-up, with MFA, a strong password policy and the Plus tier', () => {
    // THEN
    template.hasResource('AWS::Cognito::UserPool', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
        MfaConfiguration: 'ON',
        EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
        UserPoolTier: 'PLUS',
        DeletionProtection: 'ACTIVE',
        Policies: {
          PasswordPolicy: Match.objectLike({ MinimumLength: 14, RequireSymbols: true, RequireUppercase: true, RequireNumbers: true }),
        },
      }),
    });
  });

  test('declares the scopes from props on a resource server', () => {
    // THEN
    template.hasResourceProperties('AWS::Cognito::UserPoolResourceServer', {
      Identifier: 'https://shop.api',
      Scopes: [
        { ScopeName: 'orders.read', ScopeDescription: Match.anyValue() },
        { ScopeName: 'orders.write', ScopeDescription: Match.anyValue() },
      ],
    });
  });

  test('has a machine client for the client-credentials flow with a secret and those scopes', () => {
    // THEN
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: true,
      AllowedOAuthFlows: ['client_credentials'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: [
        { 'Fn::Join': ['', [{ Ref: Match.stringLikeRegexp('ResourceServer') }, '/orders.read']] },
        { 'Fn::Join': ['', [{ Ref: Match.stringLikeRegexp('ResourceServer') }, '/orders.write']] },
      ],
      AccessTokenValidity: 60,
      TokenValidityUnits: Match.objectLike({ AccessToken: 'minutes' }),
    });
  });

  test('has the hosted domain and a Cognito authorizer on the pool', () => {
    // THEN
    template.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'shop-auth' });
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'COGNITO_USER_POOLS',
      Name: 'shop-cognito',
      ProviderARNs: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('UserPool'), 'Arn'] }],
    });
  });

  test('an imported pool gets the resource server and client but no new pool', () => {
    // GIVEN
    const api = referenceConfig().api;
    const importing = { ...api, auth: { ...api.auth, cognito: { userPoolId: 'eu-west-1_AbCdEf123', scopes: ['orders.read', 'orders.write'] } } };
    // WHEN
    const imported = synthEdge(importing).template;
    // THEN
    imported.resourceCountIs('AWS::Cognito::UserPool', 0);
    imported.resourceCountIs('AWS::Cognito::UserPoolDomain', 0);
    imported.hasResourceProperties('AWS::Cognito::UserPoolResourceServer', { UserPoolId: 'eu-west-1_AbCdEf123' });
    imported.hasResourceProperties('AWS::Cognito::UserPoolClient', { UserPoolId: 'eu-west-1_AbCdEf123' });
  });
});
