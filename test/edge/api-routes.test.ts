import type { Template } from 'aws-cdk-lib/assertions';
import { referenceConfig, synthEdge } from '../helpers';

/** The logical ID of the method for a path's last segment and an HTTP method. */
function method(template: Template, pathPart: string, httpMethod: string): Record<string, any> {
  const resources = template.findResources('AWS::ApiGateway::Resource', { Properties: { PathPart: pathPart } });
  const resourceIds = Object.keys(resources);
  const methods = Object.values(template.findResources('AWS::ApiGateway::Method', { Properties: { HttpMethod: httpMethod } })).filter(
    (m) => resourceIds.includes(m.Properties.ResourceId.Ref),
  );
  expect(methods).toHaveLength(1);
  return methods[0].Properties;
}

describe('ApiRoutes', () => {
  let template: Template;
  beforeAll(() => {
    // GIVEN the reference routes
    template = synthEdge(referenceConfig().api).template;
  });

  test('a Cognito route requires its full OAuth scopes and, here, an API key', () => {
    // THEN
    const getOrders = method(template, 'orders', 'GET');
    expect(getOrders).toMatchObject({
      AuthorizationType: 'COGNITO_USER_POOLS',
      ApiKeyRequired: true,
      AuthorizationScopes: ['https://shop.api/orders.read'],
      RequestParameters: { 'method.request.header.Authorization': true },
    });
  });

  test('a JWT route uses the Lambda authorizer, which enforces its scopes', () => {
    // THEN
    const postOrders = method(template, 'orders', 'POST');
    expect(postOrders.AuthorizationType).toBe('CUSTOM');
    expect(postOrders.AuthorizerId).toEqual({ Ref: expect.stringMatching(/^EdgeJwtAuthorizer/) });
    expect(postOrders.AuthorizationScopes).toBeUndefined();
  });

  test('a public route has no authorizer and its identity headers say anonymous', () => {
    // THEN
    const health = method(template, 'health', 'GET');
    expect(health.AuthorizationType).toBe('NONE');
    expect(health.Integration.RequestParameters).toEqual({
      'integration.request.header.x-platform-subject': "'anonymous'",
      'integration.request.header.x-platform-client': "'anonymous'",
    });
  });

  test('every method goes over the VPC link to the ingress load balancer at the same path', () => {
    // THEN
    const getOrder = method(template, '{orderId}', 'GET');
    expect(getOrder.Integration).toMatchObject({
      Type: 'HTTP_PROXY',
      IntegrationHttpMethod: 'GET',
      ConnectionType: 'VPC_LINK',
      ConnectionId: { Ref: expect.stringMatching(/VpcLink/) },
      Uri: { 'Fn::Join': ['', ['http://', { 'Fn::GetAtt': [expect.stringMatching(/LoadBalancer/), 'DNSName'] }, ':8080/orders/{orderId}']] },
      RequestParameters: {
        'integration.request.path.orderId': 'method.request.path.orderId',
        'integration.request.header.x-platform-subject': 'context.authorizer.principalId',
        'integration.request.header.x-platform-client': 'context.authorizer.client_id',
      },
    });
    expect(getOrder.RequestParameters).toEqual({
      'method.request.path.orderId': true,
      'method.request.header.Authorization': true,
    });
  });

  test('a greedy path is forwarded whole', () => {
    // THEN
    const inventory = method(template, '{proxy+}', 'ANY');
    expect(inventory.Integration.Uri['Fn::Join'][1][2]).toBe(':8080/inventory/{proxy}');
    expect(inventory.Integration.RequestParameters['integration.request.path.proxy']).toBe('method.request.path.proxy');
  });

  test('there is exactly one method per declared route method', () => {
    // THEN: 5 routes with one method each
    template.resourceCountIs('AWS::ApiGateway::Method', 5);
    template.hasResourceProperties('AWS::ApiGateway::Method', { HttpMethod: 'ANY', AuthorizationType: 'CUSTOM' });
  });
});
