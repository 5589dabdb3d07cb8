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

/** The one resource of a type whose properties match, as its logical ID and properties. */
function only(template: Template, type: string, props: Record<string, unknown>): [string, Record<string, any>] {
  const found = Object.entries(template.findResources(type, { Properties: props }));
  expect(found).toHaveLength(1);
  return [found[0][0], found[0][1].Properties];
}

const CERT_FILES = {
  CertificateChain: '/certs/chain.pem',
  PrivateKey: '/certs/key.pem',
};

let template: Template;
beforeAll(() => {
  // GIVEN the reference platform: orders v1 (90) and v2 (10) calling inventory v1 (100)
  template = synth(referenceConfig());
});

describe('the App Mesh backend', () => {

  test('the mesh drops egress to anything not declared', () => {
    // THEN
    template.hasResourceProperties('AWS::AppMesh::Mesh', { MeshName: 'shop', Spec: { EgressFilter: { Type: 'DROP_ALL' } } });
  });

  test('services are found in a private DNS namespace, one name per service for all its versions', () => {
    // THEN
    template.hasResourceProperties('AWS::ServiceDiscovery::PrivateDnsNamespace', { Name: 'shop.local' });
    template.resourceCountIs('AWS::ServiceDiscovery::Service', 2);
    template.hasResourceProperties('AWS::ServiceDiscovery::Service', {
      Name: 'inventory',
      DnsConfig: { DnsRecords: [{ Type: 'A', TTL: 10 }] },
    });
  });

  test('the cluster has Container Insights', () => {
    // THEN
    template.hasResourceProperties('AWS::ECS::Cluster', {
      ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }],
    });
  });

  test('each route splits its service over the versions with the weights from props, retries and a timeout', () => {
    // THEN
    template.hasResourceProperties('AWS::AppMesh::Route', {
      RouteName: 'orders-route',
      Spec: {
        HttpRoute: {
          Action: {
            WeightedTargets: [
              { VirtualNode: { 'Fn::GetAtt': [Match.stringLikeRegexp('ordersv1Node'), 'VirtualNodeName'] }, Weight: 90 },
              { VirtualNode: { 'Fn::GetAtt': [Match.stringLikeRegexp('ordersv2Node'), 'VirtualNodeName'] }, Weight: 10 },
            ],
          },
          Match: { Prefix: '/' },
          RetryPolicy: {
            MaxRetries: 3,
            PerRetryTimeout: { Unit: 'ms', Value: 2000 },
            HttpRetryEvents: ['server-error', 'gateway-error'],
            TcpRetryEvents: ['connection-error'],
          },
          Timeout: { PerRequest: { Unit: 'ms', Value: 15000 } },
        },
      },
    });
    template.hasResourceProperties('AWS::AppMesh::Route', {
      RouteName: 'inventory-route',
      Spec: { HttpRoute: Match.objectLike({ Action: { WeightedTargets: [Match.objectLike({ Weight: 100 })] } }) },
    });
  });

  test('the weights follow props', () => {
    // GIVEN a canary moved to 50/50
    const config = referenceConfig();
    const orders = config.mesh.services.orders;
    const moved: PlatformConfig = {
      ...config,
      mesh: {
        ...config.mesh,
        services: {
          ...config.mesh.services,
          orders: { ...orders, versions: { v1: { ...orders.versions.v1, weight: 50 }, v2: { ...orders.versions.v2, weight: 50 } } },
        },
      },
    };
    // WHEN
    const [, route] = only(synth(moved), 'AWS::AppMesh::Route', { RouteName: 'orders-route' });
    // THEN
    expect(route.Spec.HttpRoute.Action.WeightedTargets.map((t: any) => t.Weight)).toEqual([50, 50]);
  });

  test('each virtual service is answered by its router', () => {
    // THEN
    template.hasResourceProperties('AWS::AppMesh::VirtualService', {
      VirtualServiceName: 'orders.shop.local',
      Spec: { Provider: { VirtualRouter: { VirtualRouterName: { 'Fn::GetAtt': [Match.stringLikeRegexp('ordersRouter'), 'VirtualRouterName'] } } } },
    });
    template.hasResourceProperties('AWS::AppMesh::VirtualRouter', {
      VirtualRouterName: 'inventory-router',
      Spec: { Listeners: [{ PortMapping: { Port: 8080, Protocol: 'http' } }] },
    });
  });

  test('a virtual node serves mTLS STRICT and accepts only the mesh CA and its declared callers', () => {
    // THEN: inventory is called by orders and reached through the ingress
    const [, inventory] = only(template, 'AWS::AppMesh::VirtualNode', { VirtualNodeName: 'inventory-v1' });
    const listener = inventory.Spec.Listeners[0];
    expect(listener.TLS).toEqual({
      Mode: 'STRICT',
      Certificate: { File: CERT_FILES },
      Validation: {
        Trust: { File: { CertificateChain: '/certs/ca.pem' } },
        SubjectAlternativeNames: { Match: { Exact: ['orders.shop.local', 'ingress.shop.local'] } },
      },
    });
    // and orders, which nobody calls, only from the ingress
    const [, orders] = only(template, 'AWS::AppMesh::VirtualNode', { VirtualNodeName: 'orders-v1' });
    expect(orders.Spec.Listeners[0].TLS.Validation.SubjectAlternativeNames).toEqual({ Match: { Exact: ['ingress.shop.local'] } });
  });

  test('a virtual node checks health, ejects failing hosts per props, and finds its tasks by task family', () => {
    // THEN
    const [, node] = only(template, 'AWS::AppMesh::VirtualNode', { VirtualNodeName: 'orders-v2' });
    expect(node.Spec.Listeners[0]).toMatchObject({
      PortMapping: { Port: 8080, Protocol: 'http' },
      HealthCheck: { Protocol: 'http', Path: '/health', HealthyThreshold: 2, UnhealthyThreshold: 3, IntervalMillis: 10000, TimeoutMillis: 2000 },
      OutlierDetection: {
        MaxServerErrors: 5,
        Interval: { Unit: 'ms', Value: 10000 },
        BaseEjectionDuration: { Unit: 'ms', Value: 30000 },
        MaxEjectionPercent: 50,
      },
    });
    expect(node.Spec.ServiceDiscovery.AWSCloudMap).toEqual({
      NamespaceName: 'shop.local',
      ServiceName: { 'Fn::GetAtt': [expect.stringMatching(/ordersDiscovery/), 'Name'] },
      Attributes: [{ Key: 'ECS_TASK_DEFINITION_FAMILY', Value: 'shop-orders-v2' }],
    });
    expect(node.Spec.Logging).toEqual({ AccessLog: { File: { Path: '/dev/stdout' } } });
  });

  test('backends are exactly the declared calls, over mutual TLS checking the callee\'s name', () => {
    // THEN
    const [, orders] = only(template, 'AWS::AppMesh::VirtualNode', { VirtualNodeName: 'orders-v1' });
    expect(orders.Spec.Backends).toEqual([
      {
        VirtualService: {
          VirtualServiceName: 'inventory.shop.local',
          ClientPolicy: {
            TLS: {
              Enforce: true,
              Certificate: { File: CERT_FILES },
              Validation: {
                Trust: { File: { CertificateChain: '/certs/ca.pem' } },
                SubjectAlternativeNames: { Match: { Exact: ['inventory.shop.local'] } },
              },
            },
          },
        },
      },
    ]);
    const [, inventory] = only(template, 'AWS::AppMesh::VirtualNode', { VirtualNodeName: 'inventory-v1' });
    expect(inventory.Spec.Backends).toBeUndefined();
  });

  test('the ingress is a virtual gateway with mutual TLS to the routed services', () => {
    // THEN
    template.hasResourceProperties('AWS::AppMesh::VirtualGateway', {
      VirtualGatewayName: 'ingress',
      Spec: {
        Listeners: [{ PortMapping: { Port: 8080, Protocol: 'http' } }],
        BackendDefaults: {
          ClientPolicy: {
            TLS: {
              Enforce: true,
              Certificate: { File: CERT_FILES },
              Validation: {
                Trust: { File: { CertificateChain: '/certs/ca.pem' } },
                SubjectAlternativeNames: { Match: { Exact: ['inventory.shop.local', 'orders.shop.local'] } },
              },
            },
          },
        },
        Logging: { AccessLog: { File: { Path: '/dev/stdout' } } },
      },
    });
  });

  test('gateway routes send each API path to its service, most specific first, keeping the path', () => {
    // THEN
    const routes = Object.values(template.findResources('AWS::AppMesh::GatewayRoute'))
      .map((r) => r.Properties)
      .sort((a, b) => a.Spec.Priority - b.Spec.Priority || a.GatewayRouteName.localeCompare(b.GatewayRouteName))
      .map((p) => ({
        name: p.GatewayRouteName,
        priority: p.Spec.Priority,
        match: p.Spec.HttpRoute.Match,
        target: p.Spec.HttpRoute.Action.Target.VirtualService.VirtualServiceName,
      }));
    const target = (service: string) => ({ 'Fn::GetAtt': [expect.stringMatching(new RegExp(`${service}VirtualService`)), 'VirtualServiceName'] });
    // Exact paths first, then regexes (literal segments first), then prefixes, longer before shorter (0 is tried first).
    expect(routes).toEqual([
      { name: 'orders-0', priority: 0, match: { Path: { Exact: '/orders' } }, target: target('orders') },
      { name: 'orders-2', priority: 0, match: { Path: { Exact: '/health' } }, target: target('orders') },
      { name: 'orders-1', priority: 100 + 0b01000000, match: { Path: { Regex: '^/orders/[^/]+$' } }, target: target('orders') },
      { name: 'inventory-0', priority: 500 + 499 - '/inventory/'.length, match: { Prefix: '/inventory/' }, target: target('inventory') },
    ]);
    const prefixRoute = Object.values(template.findResources('AWS::AppMesh::GatewayRoute')).find(
      (r) => r.Properties.GatewayRouteName === 'inventory-0',
    )!;
    expect(prefixRoute.Properties.Spec.HttpRoute.Action.Rewrite).toEqual({ Prefix: { DefaultPrefix: 'DISABLED' } });
  });

  test('a service\'s gateway routes keep their names and priorities when another service gets routes', () => {
    // GIVEN the reference platform and one with a service 'billing' routed from /billing/{id} and /a
    const config = referenceConfig();
    const grown = structuredClone(config) as any;
    grown.mesh.services.billing = { port: 8080, versions: { v1: { image: 'public.ecr.aws/shop/billing:1.0', weight: 100 } } };
    grown.api.routes.push(
      { path: '/billing/{id}', methods: ['GET'], service: 'billing', auth: 'jwt' },
      { path: '/a', methods: ['GET'], service: 'billing', auth: 'jwt' },
    );
    const routesOf = (t: Template) =>
      Object.values(t.findResources('AWS::AppMesh::GatewayRoute'))
        .map((r) => r.Properties)
        .filter((p) => !p.GatewayRouteName.startsWith('billing-'))
        .map((p) => [p.GatewayRouteName, p.Spec.Priority, p.Spec.HttpRoute.Match])
        .sort();

    // WHEN
    const after = synth(grown);

    // THEN the other services' routes are the same resources with the same names and priorities
    expect(routesOf(after)).toEqual(routesOf(template));
    expect(after.findResources('AWS::AppMesh::GatewayRoute', { Properties: { GatewayRouteName: Match.stringLikeRegexp('^billing-') } })).not.toEqual({});
  });

  test('a version\'s task: certificates written first, then Envoy, then the app once Envoy is healthy', () => {
    // THEN
    const [, task] = only(template, 'AWS::ECS::TaskDefinition', { Family: 'shop-orders-v1' });
    expect(task.ProxyConfiguration).toMatchObject({ Type: 'APPMESH', ContainerName: 'envoy' });
    const proxyProps = Object.fromEntries(task.ProxyConfiguration.ProxyConfigurationProperties.map((p: any) => [p.Name, p.Value]));
    expect(proxyProps).toEqual({
      AppPorts: '8080',
      ProxyIngressPort: '15000',
      ProxyEgressPort: '15001',
      IgnoredUID: '1337',
      EgressIgnoredIPs: '169.254.170.2,169.254.169.254',
    });
    const containers = Object.fromEntries(task.ContainerDefinitions.map((c: any) => [c.Name, c]));
    expect(Object.keys(containers).sort()).toEqual(['app', 'certificates', 'envoy']);

    expect(containers.certificates).toMatchObject({ Essential: false, MountPoints: [{ ContainerPath: '/certs', SourceVolume: 'certs', ReadOnly: false }] });
    expect(containers.certificates.Secrets.map((s: any) => s.Name).sort()).toEqual(['TLS_CA', 'TLS_CHAIN', 'TLS_KEY']);
    // Each secret is pinned to the version the issuer wrote (…:privateKey::<VersionId>).
    const key = containers.certificates.Secrets.find((s: any) => s.Name === 'TLS_KEY');
    expect(JSON.stringify(key.ValueFrom)).toMatch(/:privateKey::/);
    expect(JSON.stringify(key.ValueFrom)).toMatch(/ordersv1Certificate.*VersionId/);

    expect(containers.envoy).toMatchObject({
      Image: 'public.ecr.aws/appmesh/aws-appmesh-envoy:v1.29.12.1-prod',
      Essential: true,
      User: '1337',
      Environment: [{ Name: 'APPMESH_RESOURCE_ARN', Value: { Ref: expect.stringMatching(/ordersv1Node/) } }],
      HealthCheck: { Command: ['CMD-SHELL', 'curl -s http://localhost:9901/server_info | grep state | grep -q LIVE'] },
      DependsOn: [{ ContainerName: 'certificates', Condition: 'SUCCESS' }],
      MountPoints: [{ ContainerPath: '/certs', SourceVolume: 'certs', ReadOnly: true }],
    });
    expect(containers.envoy.Secrets).toBeUndefined();

    expect(containers.app).toMatchObject({
      Image: 'public.ecr.aws/shop/orders:1.4',
      PortMappings: [{ ContainerPort: 8080, Protocol: 'tcp' }],
      DependsOn: [{ ContainerName: 'envoy', Condition: 'HEALTHY' }],
      LogConfiguration: { LogDriver: 'awslogs' },
    });
    // The app never sees the certificate volume.
    expect(containers.app.MountPoints).toBeUndefined();
  });

  test('a task role may stream only its own node\'s configuration', () => {
    // THEN
    const [taskRoleId] = only(template, 'AWS::ECS::TaskDefinition', { Family: 'shop-inventory-v1' })[1].TaskRoleArn['Fn::GetAtt'];
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
      p.Properties.Roles.some((r: any) => r.Ref === taskRoleId),
    );
    expect(policies).toHaveLength(1);
    expect(policies[0].Properties.PolicyDocument.Statement).toEqual([
      { Action: 'appmesh:StreamAggregatedResources', Effect: 'Allow', Resource: { Ref: expect.stringMatching(/inventoryv1Node/) } },
    ]);
  });

  test('an execution role may read only its own certificate secret', () => {
    // THEN
    const [executionRoleId] = only(template, 'AWS::ECS::TaskDefinition', { Family: 'shop-inventory-v1' })[1].ExecutionRoleArn['Fn::GetAtt'];
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => p.Properties.Roles.some((r: any) => r.Ref === executionRoleId))
      .flatMap((p) => p.Properties.PolicyDocument.Statement);
    const secretReads = statements.filter((s: any) => [s.Action].flat().some((a: string) => a.startsWith('secretsmanager:')));
    expect(secretReads).toHaveLength(1);
    expect(secretReads[0].Resource).toEqual({ Ref: expect.stringMatching(/inventoryv1Secret/) });
  });

  test('each version runs as a Fargate service without public IPs, rolling back failed deployments, in discovery', () => {
    // THEN
    const [, task] = only(template, 'AWS::ECS::TaskDefinition', { Family: 'shop-orders-v2' });
    expect(task).toBeDefined();
    template.hasResourceProperties('AWS::ECS::Service', {
      LaunchType: 'FARGATE',
      DesiredCount: 1,
      TaskDefinition: { Ref: Match.stringLikeRegexp('ordersv2Task') },
      NetworkConfiguration: { AwsvpcConfiguration: Match.objectLike({ AssignPublicIp: 'DISABLED' }) },
      DeploymentConfiguration: Match.objectLike({ DeploymentCircuitBreaker: { Enable: true, Rollback: true } }),
      ServiceRegistries: [{ RegistryArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('ordersDiscovery'), 'Arn'] } }],
    });
  });

  test('autoscaling follows props', () => {
    // THEN: orders v1 scales 2..6 on 60 % CPU
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 2, MaxCapacity: 6 });
    template.resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 1);
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({
        TargetValue: 60,
        PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
      }),
    });
  });

  test('the gateway runs behind the API load balancer', () => {
    // THEN
    template.hasResourceProperties('AWS::ECS::Service', {
      LoadBalancers: [{ ContainerName: 'envoy', ContainerPort: 8080, TargetGroupArn: { Ref: Match.stringLikeRegexp('MeshIngress') } }],
    });
    const [, task] = only(template, 'AWS::ECS::TaskDefinition', { Family: 'shop-ingress' });
    expect(task.ProxyConfiguration).toBeUndefined();
  });

  test('security groups admit each service only from its callers and the ingress, the ingress only from the load balancer', () => {
    // THEN
    const ingressRules = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')).map((r) => r.Properties);
    const sourceOf = (description: string) => ingressRules.filter((r) => r.Description === description);
    expect(sourceOf('From orders')).toEqual([
      expect.objectContaining({
        FromPort: 8080,
        GroupId: { 'Fn::GetAtt': [expect.stringMatching(/inventorySecurityGroup/), 'GroupId'] },
        SourceSecurityGroupId: { 'Fn::GetAtt': [expect.stringMatching(/ordersSecurityGroup/), 'GroupId'] },
      }),
    ]);
    expect(sourceOf('From the mesh ingress')).toHaveLength(2);
    expect(sourceOf('From the API load balancer')).toEqual([
      expect.objectContaining({
        GroupId: { 'Fn::GetAtt': [expect.stringMatching(/IngressSecurityGroup/), 'GroupId'] },
        SourceSecurityGroupId: { 'Fn::GetAtt': [expect.stringMatching(/EdgeIngressSecurityGroup/), 'GroupId'] },
      }),
    ]);
    expect(ingressRules.filter((r) => r.CidrIp === '0.0.0.0/0')).toEqual([]);
  });
});

describe('the mesh certificates', () => {
  test('a KMS key with rotation encrypts the CA secret and one secret per proxy', () => {
    // THEN: the ingress and three versions
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    const secrets = Object.values(template.findResources('AWS::SecretsManager::Secret'));
    expect(secrets).toHaveLength(5);
    for (const secret of secrets) expect(secret.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/CertificatesKey/), 'Arn'] });
  });

  test('the issuer makes the CA, and a leaf per proxy named as peers check it', () => {
    // THEN
    template.hasResourceProperties('Custom::MeshCa', { CommonName: 'shop mesh CA', Generation: '1' });
    template.hasResourceProperties('Custom::MeshCertificate', {
      CommonName: 'inventory-v1',
      DnsNames: ['inventory.shop.local', 'v1.inventory.shop.local'],
      ValidityDays: '365',
      Generation: '1',
      CaSecretArn: { Ref: Match.stringLikeRegexp('^MeshCertificatesCaSecret') },
    });
    // Issued after the CA, by dependency rather than an attribute (which would be an export across stacks).
    for (const leaf of Object.values(template.findResources('Custom::MeshCertificate'))) {
      expect(leaf.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^MeshCertificatesCa[0-9A-F]{8}$/)]));
      expect(JSON.stringify(leaf.Properties)).not.toMatch(/CaVersionId/);
    }
    template.hasResourceProperties('Custom::MeshCertificate', { CommonName: 'ingress', DnsNames: ['ingress.shop.local'] });
    template.resourceCountIs('Custom::MeshCertificate', 4);
  });

  test('changing the generation re-issues every certificate', () => {
    // GIVEN
    const config = referenceConfig();
    const rotated = { ...config, mesh: { ...config.mesh, certificates: { generation: 2 } } };
    // WHEN
    const after = synth(rotated);
    // THEN every issued certificate's properties change, so CloudFormation updates (re-issues) each,
    // and the task definitions read the new secret versions
    for (const type of ['Custom::MeshCa', 'Custom::MeshCertificate']) after.allResourcesProperties(type, { Generation: '2' });
  });

  test('no private key or certificate is in the template', () => {
    // THEN
    expect(JSON.stringify(template.toJSON())).not.toMatch(/BEGIN|PRIVATE KEY/);
  });
});
