import type { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import type { PlatformConfig } from '../../lib/config/types';
import { PlatformConfigError } from '../../lib/config/validate';
import type { ServiceConnectBackend } from '../../lib/mesh/service-connect/service-connect-backend';
import { Platform, resourcesIn, withMeshProvider } from '../../lib/platform';
import { CORE, jumpConsistentHash, planServiceStacks } from '../../lib/stacks/service-stacks';
import { referenceConfig, testApp } from '../helpers';

/** The warning a service gets for what it asks and Service Connect does not do. */
const NOT_HONOURED = '@platform/mesh:service-connect-not-honoured';
const EXISTING_CA = 'arn:aws:acm-pca:eu-west-1:123456789012:certificate-authority/11111111-2222-3333-4444-555555555555';
const NGINX_IMAGE = 'public.ecr.aws/docker/library/nginx:1.28.0-alpine';

/** `config` rendered on Service Connect. */
function onServiceConnect(config: PlatformConfig): PlatformConfig {
  return withMeshProvider(config, 'service-connect');
}

/** A platform that fits in one stack, and its template. */
function synth(config: PlatformConfig): { platform: Platform; template: Template } {
  const platform = new Platform(testApp(), { config });
  expect(platform.stacks).toEqual([platform.coreStack]);
  return { platform, template: Template.fromStack(platform.coreStack) };
}

type Resource = { Type: string; Properties: Record<string, any>; DependsOn?: string[] };

function resourcesOf(template: Template, type: string): [string, Resource][] {
  return Object.entries(template.findResources(type)) as [string, Resource][];
}

/** The ECS service that advertises `name` on Service Connect, as its logical ID and resource. */
function ecsServiceOf(template: Template, name: string): [string, Resource] {
  const found = resourcesOf(template, 'AWS::ECS::Service').filter(
    ([, r]) => r.Properties.ServiceConnectConfiguration?.Services?.[0]?.DiscoveryName === name,
  );
  expect(found.map(([id]) => id)).toHaveLength(1);
  return found[0];
}

/** The ingress proxy's ECS service: the one whose tasks run nginx behind the load balancer. */
function ingressServiceOf(template: Template): [string, Resource] {
  const found = resourcesOf(template, 'AWS::ECS::Service').filter(([, r]) =>
    (r.Properties.LoadBalancers ?? []).some((lb: any) => lb.ContainerName === 'nginx'),
  );
  expect(found.map(([id]) => id)).toHaveLength(1);
  return found[0];
}

/** The task definition an ECS service runs. */
function taskDefinitionOf(template: Template, service: Resource): Record<string, any> {
  const ref = service.Properties.TaskDefinition.Ref;
  expect(ref).toEqual(expect.any(String));
  return template.toJSON().Resources[ref].Properties;
}

/** The logical ID of the security group an ECS service's tasks are in. */
function securityGroupOf(service: Resource): string {
  const groups = service.Properties.NetworkConfiguration.AwsvpcConfiguration.SecurityGroups;
  expect(groups).toHaveLength(1);
  return groups[0]['Fn::GetAtt'][0];
}

/** The not-honoured warnings on the construct of service `name` (`…/Mesh/<name>`). */
function notHonouredWarnings(stack: Stack, name: string): string[] {
  return Annotations.fromStack(stack)
    .findWarning('*', Match.stringLikeRegexp(`\\[ack: ${NOT_HONOURED}\\]`))
    .filter((message) => message.id.endsWith(`/Mesh/${name}`))
    .map((message) => String(message.entry.data));
}

/** The statements of the policies attached to the role with logical ID `roleId`. */
function statementsOfRole(template: Template, roleId: string): any[] {
  return resourcesOf(template, 'AWS::IAM::Policy')
    .filter(([, p]) => p.Properties.Roles.some((r: any) => r.Ref === roleId))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
}

/** The security-group rules of the mesh's calls, comparable between templates. */
function callRules(template: Template): string[] {
  return resourcesOf(template, 'AWS::EC2::SecurityGroupIngress')
    .map(([, r]) => r.Properties)
    .filter((p) => p.Description === 'From orders' || p.Description === 'From the mesh ingress')
    .map((p) => JSON.stringify([p.Description, p.IpProtocol, p.FromPort, p.ToPort, p.GroupId, p.SourceSecurityGroupId]))
    .sort();
}

let sc: { platform: Platform; template: Template };
let am: Template;
beforeAll(() => {
  // GIVEN the reference platform (orders v1 90 / v2 10 calling inventory v1 100) on both backends
  sc = synth(onServiceConnect(referenceConfig()));
  am = synth(referenceConfig()).template;
});

describe('Service Connect on every service', () => {
  test('each service advertises port http as <service>.shop.local:8080 in the namespace, with the model\'s timeouts', () => {
    // GIVEN
    const [namespaceId] = resourcesOf(sc.template, 'AWS::ServiceDiscovery::PrivateDnsNamespace').map(([id]) => id);
    expect(resourcesOf(sc.template, 'AWS::ServiceDiscovery::PrivateDnsNamespace')).toHaveLength(1);
    for (const name of ['orders', 'inventory']) {
      // WHEN
      const [, service] = ecsServiceOf(sc.template, name);
      const config = service.Properties.ServiceConnectConfiguration;
      // THEN
      expect(config.Enabled).toBe(true);
      expect(config.Namespace).toEqual({ 'Fn::GetAtt': [namespaceId, 'Arn'] });
      expect(config.Services).toHaveLength(1);
      expect(config.Services[0]).toMatchObject({
        PortName: 'http',
        DiscoveryName: name,
        ClientAliases: [{ DnsName: `${name}.shop.local`, Port: 8080 }],
        Timeout: { PerRequestTimeoutSeconds: 15, IdleTimeoutSeconds: 300 },
      });
      expect(config.Services[0].ClientAliases).toEqual([{ DnsName: `${name}.shop.local`, Port: 8080 }]);
    }
    // … and these two and the ingress are all the ECS services
    expect(resourcesOf(sc.template, 'AWS::ECS::Service')).toHaveLength(3);
  });

  test('the app\'s port mapping is named http with app protocol HTTP', () => {
    for (const name of ['orders', 'inventory']) {
      // WHEN
      const task = taskDefinitionOf(sc.template, ecsServiceOf(sc.template, name)[1]);
      // THEN
      expect(task.Family).toBe(`shop-${name}`);
      expect(task.ContainerDefinitions).toHaveLength(1);
      expect(task.ContainerDefinitions[0].PortMappings).toEqual([{ Name: 'http', ContainerPort: 8080, AppProtocol: 'http', Protocol: 'tcp' }]);
    }
  });

  test('the ingress is a Service Connect client only: enabled in the namespace, advertising nothing', () => {
    // WHEN
    const [, ingress] = ingressServiceOf(sc.template);
    const config = ingress.Properties.ServiceConnectConfiguration;
    // THEN
    expect(config.Enabled).toBe(true);
    expect(config.Namespace).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^MeshClusterNamespace/), 'Arn'] });
    expect(config.Services).toBeUndefined();
  });

  test('inventory admits 8080 only from orders and the ingress, orders only from the ingress, nothing from anywhere', () => {
    // GIVEN
    const inventoryGroup = securityGroupOf(ecsServiceOf(sc.template, 'inventory')[1]);
    const ordersGroup = securityGroupOf(ecsServiceOf(sc.template, 'orders')[1]);
    const ingressGroup = securityGroupOf(ingressServiceOf(sc.template)[1]);
    expect(new Set([inventoryGroup, ordersGroup, ingressGroup]).size).toBe(3);
    const rules = resourcesOf(sc.template, 'AWS::EC2::SecurityGroupIngress').map(([, r]) => r.Properties);
    const into = (group: string) =>
      rules
        .filter((r) => r.GroupId?.['Fn::GetAtt']?.[0] === group)
        .map((r) => ({ from: r.SourceSecurityGroupId?.['Fn::GetAtt']?.[0] ?? r.CidrIp ?? r.CidrIpv6, protocol: r.IpProtocol, ports: [r.FromPort, r.ToPort] }))
        .sort((a, b) => String(a.from).localeCompare(String(b.from)));
    // THEN
    expect(into(inventoryGroup)).toEqual(
      [
        { from: ingressGroup, protocol: 'tcp', ports: [8080, 8080] },
        { from: ordersGroup, protocol: 'tcp', ports: [8080, 8080] },
      ].sort((a, b) => a.from.localeCompare(b.from)),
    );
    expect(into(ordersGroup)).toEqual([{ from: ingressGroup, protocol: 'tcp', ports: [8080, 8080] }]);
    // … no service group has an inline ingress rule, and no rule anywhere admits the whole internet
    for (const group of [inventoryGroup, ordersGroup, ingressGroup]) {
      expect(sc.template.toJSON().Resources[group].Properties.SecurityGroupIngress).toBeUndefined();
    }
    const inline = resourcesOf(sc.template, 'AWS::EC2::SecurityGroup').flatMap(([, g]) => g.Properties.SecurityGroupIngress ?? []);
    for (const rule of [...rules, ...inline]) {
      expect([rule.CidrIp, rule.CidrIpv6]).not.toContainEqual(expect.stringMatching(/^(0\.0\.0\.0\/0|::\/0)$/));
    }
    expect(rules.length).toBeGreaterThanOrEqual(4);
  });

  test('callers may send to exactly the services they call', () => {
    // GIVEN
    const ordersGroup = securityGroupOf(ecsServiceOf(sc.template, 'orders')[1]);
    const inventoryGroup = securityGroupOf(ecsServiceOf(sc.template, 'inventory')[1]);
    // WHEN
    const fromOrders = resourcesOf(sc.template, 'AWS::EC2::SecurityGroupEgress')
      .map(([, r]) => r.Properties)
      .filter((r) => r.GroupId?.['Fn::GetAtt']?.[0] === ordersGroup);
    // THEN (besides 443 to AWS APIs, inline on the group)
    expect(fromOrders).toEqual([
      expect.objectContaining({ DestinationSecurityGroupId: { 'Fn::GetAtt': [inventoryGroup, 'GroupId'] }, FromPort: 8080, ToPort: 8080, IpProtocol: 'tcp' }),
    ]);
  });
});

describe('TLS from AWS Private CA', () => {
  test('each service\'s port has TLS issued by the created CA, with the key and the infrastructure role', () => {
    // GIVEN
    const [[caId]] = resourcesOf(sc.template, 'AWS::ACMPCA::CertificateAuthority');
    const [[keyId]] = resourcesOf(sc.template, 'AWS::KMS::Key').filter(([, k]) => /Service Connect/.test(k.Properties.Description));
    const [[roleId]] = resourcesOf(sc.template, 'AWS::IAM::Role').filter(([, r]) => /Service Connect TLS/.test(r.Properties.Description ?? ''));
    for (const name of ['orders', 'inventory']) {
      // WHEN
      const [, service] = ecsServiceOf(sc.template, name);
      // THEN
      expect(service.Properties.ServiceConnectConfiguration.Services[0].Tls).toEqual({
        IssuerCertificateAuthority: { AwsPcaAuthorityArn: { 'Fn::GetAtt': [caId, 'Arn'] } },
        KmsKey: { 'Fn::GetAtt': [keyId, 'Arn'] },
        RoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] },
      });
    }
  });

  test('the CA is a short-lived root on EC P-256, tagged for ECS, with its root certificate and activation', () => {
    // THEN
    const cas = resourcesOf(sc.template, 'AWS::ACMPCA::CertificateAuthority');
    expect(cas).toHaveLength(1);
    const [caId, ca] = cas[0];
    expect(ca.Properties).toMatchObject({ Type: 'ROOT', UsageMode: 'SHORT_LIVED_CERTIFICATE', KeyAlgorithm: 'EC_prime256v1' });
    expect(ca.Properties.Tags).toContainEqual({ Key: 'AmazonECSManaged', Value: 'true' });

    const certificates = resourcesOf(sc.template, 'AWS::ACMPCA::Certificate');
    expect(certificates).toHaveLength(1);
    const [certificateId, certificate] = certificates[0];
    expect(certificate.Properties).toMatchObject({
      CertificateAuthorityArn: { 'Fn::GetAtt': [caId, 'Arn'] },
      CertificateSigningRequest: { 'Fn::GetAtt': [caId, 'CertificateSigningRequest'] },
      TemplateArn: 'arn:aws:acm-pca:::template/RootCACertificate/V1',
    });

    sc.template.resourceCountIs('AWS::ACMPCA::CertificateAuthorityActivation', 1);
    sc.template.hasResourceProperties('AWS::ACMPCA::CertificateAuthorityActivation', {
      CertificateAuthorityArn: { 'Fn::GetAtt': [caId, 'Arn'] },
      Certificate: { 'Fn::GetAtt': [certificateId, 'Certificate'] },
      Status: 'ACTIVE',
    });
  });

  test('the key that encrypts the TLS private keys rotates', () => {
    // THEN
    sc.template.hasResourceProperties('AWS::KMS::Key', {
      Description: Match.stringLikeRegexp('Service Connect TLS'),
      EnableKeyRotation: true,
    });
  });

  test('the infrastructure role: assumed by ECS only, issuing only end-entity certificates from the CA, ecs-sc! secrets and the key only', () => {
    // GIVEN
    const [[caId]] = resourcesOf(sc.template, 'AWS::ACMPCA::CertificateAuthority');
    const [[keyId]] = resourcesOf(sc.template, 'AWS::KMS::Key').filter(([, k]) => /Service Connect/.test(k.Properties.Description));
    const roles = resourcesOf(sc.template, 'AWS::IAM::Role').filter(([, r]) => /Service Connect TLS/.test(r.Properties.Description ?? ''));
    expect(roles).toHaveLength(1);
    const [roleId, role] = roles[0];

    // THEN only ecs.amazonaws.com assumes it, and no managed policy is attached
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'ecs.amazonaws.com' } },
    ]);
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();

    const statements = statementsOfRole(sc.template, roleId);
    const actionsOf = (s: any): string[] => [s.Action].flat();
    const resourcesOfStatement = (s: any): unknown[] => [s.Resource].flat();
    const withPrefix = (prefix: string) => statements.filter((s) => actionsOf(s).some((a) => a.startsWith(prefix)));

    // … acm-pca:IssueCertificate on this CA only, with the end-entity template
    const issue = statements.filter((s) => actionsOf(s).includes('acm-pca:IssueCertificate'));
    expect(issue).toEqual([
      expect.objectContaining({
        Action: 'acm-pca:IssueCertificate',
        Resource: { 'Fn::GetAtt': [caId, 'Arn'] },
        Condition: { StringEquals: { 'acm-pca:TemplateArn': 'arn:aws:acm-pca:::template/EndEntityCertificate/V1' } },
      }),
    ]);
    for (const statement of withPrefix('acm-pca:')) expect(resourcesOfStatement(statement)).toEqual([{ 'Fn::GetAtt': [caId, 'Arn'] }]);

    // … Secrets Manager on ecs-sc! secrets only
    const secretStatements = withPrefix('secretsmanager:');
    expect(secretStatements.length).toBeGreaterThanOrEqual(1);
    for (const statement of secretStatements) {
      const resources = resourcesOfStatement(statement);
      expect(resources).toHaveLength(1);
      expect(JSON.stringify(resources[0])).toMatch(/:secret:ecs-sc!\*"\]\]\}$/);
    }

    // … KMS on the key only
    const kmsStatements = withPrefix('kms:');
    expect(kmsStatements.length).toBeGreaterThanOrEqual(1);
    for (const statement of kmsStatements) expect(resourcesOfStatement(statement)).toEqual([{ 'Fn::GetAtt': [keyId, 'Arn'] }]);

    // … and nothing else, and no wildcard action or resource
    expect(statements.length).toBe(withPrefix('acm-pca:').length + secretStatements.length + kmsStatements.length);
    for (const statement of statements) {
      expect(actionsOf(statement)).not.toContain('*');
      expect(actionsOf(statement).filter((a) => a.endsWith(':*'))).toEqual([]);
      expect(resourcesOfStatement(statement)).not.toContain('*');
    }
  });

  test('the services are created after the CA is active and the role\'s policy is attached', () => {
    // GIVEN
    const [[activationId]] = resourcesOf(sc.template, 'AWS::ACMPCA::CertificateAuthorityActivation');
    const [[roleId, role]] = resourcesOf(sc.template, 'AWS::IAM::Role').filter(([, r]) => /Service Connect TLS/.test(r.Properties.Description ?? ''));
    const [policyId] = resourcesOf(sc.template, 'AWS::IAM::Policy')
      .filter(([, p]) => p.Properties.Roles.some((r: any) => r.Ref === roleId))
      .map(([id]) => id);
    // THEN
    expect(role.DependsOn).toContain(activationId);
    for (const name of ['orders', 'inventory']) {
      expect(ecsServiceOf(sc.template, name)[1].DependsOn).toEqual(expect.arrayContaining([roleId, policyId]));
    }
  });
});

/**
 * The reference platform on Service Connect with an existing CA, a linear rollout (5-minute steps, 30
 * minutes of bake time) and inventory's timeout at 15.5 s.
 */
let variant: { platform: Platform; template: Template };
function variantPlatform(): { platform: Platform; template: Template } {
  if (!variant) {
    const config = onServiceConnect(referenceConfig()) as any;
    config.mesh.serviceConnect = { certificateAuthorityArn: EXISTING_CA, rollout: { strategy: 'linear', stepBakeMinutes: 5, bakeMinutes: 30 } };
    config.mesh.services.inventory.timeoutMs = 15_500;
    variant = synth(config);
  }
  return variant;
}

describe('an existing Private CA', () => {
  test('no CA is created; the given ARN is in every service\'s TLS settings and the role\'s policy', () => {
    // WHEN
    const { template } = variantPlatform();
    // THEN
    for (const type of ['AWS::ACMPCA::CertificateAuthority', 'AWS::ACMPCA::Certificate', 'AWS::ACMPCA::CertificateAuthorityActivation']) {
      template.resourceCountIs(type, 0);
    }
    for (const name of ['orders', 'inventory']) {
      expect(ecsServiceOf(template, name)[1].Properties.ServiceConnectConfiguration.Services[0].Tls.IssuerCertificateAuthority).toEqual({
        AwsPcaAuthorityArn: EXISTING_CA,
      });
    }
    const [[roleId]] = resourcesOf(template, 'AWS::IAM::Role').filter(([, r]) => /Service Connect TLS/.test(r.Properties.Description ?? ''));
    const statements = statementsOfRole(template, roleId);
    const pca = statements.filter((s) => [s.Action].flat().some((a: string) => a.startsWith('acm-pca:')));
    expect(pca.map((s) => s.Sid).sort()).toEqual(['IssueEndEntityCertificates', 'ReadCertificateAuthority']);
    for (const statement of pca) expect(statement.Resource).toBe(EXISTING_CA);
  });
});

describe('versions become deployments', () => {
  test('orders (v1 90, v2 10): v2 deployed as a canary of 10 % for 10 minutes, 10 minutes of bake, rolled back on failure', () => {
    // WHEN
    const [, orders] = ecsServiceOf(sc.template, 'orders');
    // THEN
    expect(orders.Properties.DeploymentConfiguration).toMatchObject({
      Strategy: 'CANARY',
      CanaryConfiguration: { CanaryPercent: 10, CanaryBakeTimeInMinutes: 10 },
      BakeTimeInMinutes: 10,
      DeploymentCircuitBreaker: { Enable: true, Rollback: true },
    });
    expect(orders.Properties.DeploymentConfiguration.LinearConfiguration).toBeUndefined();
    const task = taskDefinitionOf(sc.template, orders);
    expect(task.ContainerDefinitions.map((c: any) => c.Image)).toEqual(['public.ecr.aws/shop/orders:1.5']);
    // v1 is not in the template: the deployment shifts from the tasks that run
    expect(JSON.stringify(sc.template.toJSON())).not.toContain('public.ecr.aws/shop/orders:1.4');
  });

  test('orders keeps the task count and autoscaling of v1, which carries its traffic: the canary ends with all of it', () => {
    // WHEN
    const [ordersId, orders] = ecsServiceOf(sc.template, 'orders');
    // THEN v1's 2 tasks scaling to 6, not the canary's 1 fixed task
    expect(orders.Properties.DesiredCount).toBe(2);
    sc.template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      MinCapacity: 2,
      MaxCapacity: 6,
      ResourceId: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([Match.objectLike({ 'Fn::GetAtt': [ordersId, 'Name'] })])] }),
    });
    expect(notHonouredWarnings(sc.platform.coreStack, 'orders')[0]).toContain("then all of it, with v1's task count and autoscaling");
  });

  test('each caller deploys after the services it calls, and starts new tasks when its calls change', () => {
    // WHEN
    const [inventoryId] = ecsServiceOf(sc.template, 'inventory');
    const [, orders] = ecsServiceOf(sc.template, 'orders');
    // THEN Service Connect gives a task only the aliases that exist when it starts
    expect(orders.DependsOn).toContain(inventoryId);
    expect(taskDefinitionOf(sc.template, orders).ContainerDefinitions[0].DockerLabels).toEqual({ 'platform.version': 'v2', 'platform.calls': 'inventory' });
    expect(Annotations.fromStack(sc.platform.coreStack).findWarning('*', Match.stringLikeRegexp('service-connect-call-order'))).toEqual([]);
  });

  test('services that call each other cannot both wait: a warning names the calls, and there is no cycle', () => {
    // GIVEN inventory calls orders back
    const reference = onServiceConnect(referenceConfig());
    const config = { ...reference, mesh: { ...reference.mesh, services: { ...reference.mesh.services, inventory: { ...reference.mesh.services.inventory, calls: ['orders'] } } } };
    // WHEN
    const { platform, template } = synth(config);
    // THEN
    const [ordersId, orders] = ecsServiceOf(template, 'orders');
    const [inventoryId, inventory] = ecsServiceOf(template, 'inventory');
    expect(orders.DependsOn ?? []).not.toContain(inventoryId);
    expect(inventory.DependsOn ?? []).not.toContain(ordersId);
    const warnings = Annotations.fromStack(platform.coreStack).findWarning('*', Match.stringLikeRegexp('service-connect-call-order'));
    expect(warnings.map((w) => String(w.entry.data))).toEqual([
      expect.stringContaining('cannot be ordered after the services they call (the calls form a cycle, or the callee is in a later stack): inventory -> orders, orders -> inventory.'),
    ]);
  });

  test('inventory (one version) is a rolling update without bake time', () => {
    // WHEN
    const [, inventory] = ecsServiceOf(sc.template, 'inventory');
    const deployment = inventory.Properties.DeploymentConfiguration;
    // THEN
    expect(deployment.Strategy).toBe('ROLLING');
    expect(deployment.BakeTimeInMinutes).toBeUndefined();
    expect(deployment.CanaryConfiguration).toBeUndefined();
    expect(deployment.LinearConfiguration).toBeUndefined();
    expect(deployment.DeploymentCircuitBreaker).toEqual({ Enable: true, Rollback: true });
    expect(taskDefinitionOf(sc.template, inventory).ContainerDefinitions.map((c: any) => c.Image)).toEqual(['public.ecr.aws/shop/inventory:2.0']);
  });

  test('a linear rollout moves the new version\'s weight each step', () => {
    // WHEN rollout { strategy: 'linear', stepBakeMinutes: 5, bakeMinutes: 30 }
    const { template } = variantPlatform();
    const deployment = ecsServiceOf(template, 'orders')[1].Properties.DeploymentConfiguration;
    // THEN
    expect(deployment).toMatchObject({
      Strategy: 'LINEAR',
      LinearConfiguration: { StepPercent: 10, StepBakeTimeInMinutes: 5 },
      BakeTimeInMinutes: 30,
    });
    expect(deployment.CanaryConfiguration).toBeUndefined();
    // … and inventory, with one version, is still rolling
    expect(ecsServiceOf(template, 'inventory')[1].Properties.DeploymentConfiguration.Strategy).toBe('ROLLING');
  });

  test('v10 is newer than v9: v9 80 / v10 20 deploys v10', () => {
    // GIVEN
    const config = onServiceConnect(referenceConfig()) as any;
    config.mesh.services.orders.versions = {
      v9: { image: 'public.ecr.aws/shop/orders:9.0', weight: 80 },
      v10: { image: 'public.ecr.aws/shop/orders:10.0', weight: 20 },
    };
    // WHEN
    const { platform, template } = synth(config);
    // THEN
    const [, orders] = ecsServiceOf(template, 'orders');
    expect(taskDefinitionOf(template, orders).ContainerDefinitions.map((c: any) => c.Image)).toEqual(['public.ecr.aws/shop/orders:10.0']);
    expect(orders.Properties.DeploymentConfiguration.CanaryConfiguration).toEqual({ CanaryPercent: 20, CanaryBakeTimeInMinutes: 10 });
    expect(JSON.stringify(template.toJSON())).not.toContain('public.ecr.aws/shop/orders:9.0');
    expect(notHonouredWarnings(platform.coreStack, 'orders')).toEqual([expect.stringContaining('v10 takes 20 % of the traffic from v9')]);
  });

  describe('three versions of a service', () => {
    const threeVersions = (config: PlatformConfig): PlatformConfig => {
      const copy = structuredClone(config) as any;
      copy.mesh.services.orders.versions = {
        v1: { image: 'public.ecr.aws/shop/orders:1.4', weight: 80 },
        v2: { image: 'public.ecr.aws/shop/orders:1.5', weight: 10 },
        v3: { image: 'public.ecr.aws/shop/orders:1.6', weight: 10 },
      };
      return copy;
    };

    test('fail on Service Connect, naming the field and why', () => {
      // GIVEN
      const config = threeVersions(onServiceConnect(referenceConfig()));
      // WHEN
      let error: unknown;
      try {
        new Platform(testApp(), { config });
      } catch (e) {
        error = e;
      }
      // THEN
      expect(error).toBeInstanceOf(PlatformConfigError);
      const message = (error as PlatformConfigError).message;
      expect(message).toContain('Service Connect cannot hold a steady split between 3 versions');
      expect(message).toContain('mesh.services.orders.versions');
      expect((error as PlatformConfigError).problems).toEqual([
        { path: 'mesh.services.orders.versions', rule: expect.stringContaining('Service Connect cannot hold a steady split between 3 versions (v1: 80, v2: 10, v3: 10)') },
      ]);
    });

    test('synthesize on App Mesh, as a steady three-way split', () => {
      // GIVEN the same services on App Mesh
      const config = threeVersions(referenceConfig());
      expect(config.mesh.provider).toBe('app-mesh');
      // WHEN
      const { template } = synth(config);
      // THEN
      const routes = resourcesOf(template, 'AWS::AppMesh::Route').filter(([, r]) => r.Properties.RouteName === 'orders-route');
      expect(routes).toHaveLength(1);
      expect(routes[0][1].Properties.Spec.HttpRoute.Action.WeightedTargets.map((t: any) => t.Weight)).toEqual([80, 10, 10]);
    });
  });
});

describe('what Service Connect does not honour is a warning', () => {
  test('orders: its retries, circuit breaker and steady split; inventory, which asks none, no warning', () => {
    // WHEN
    const orders = notHonouredWarnings(sc.platform.coreStack, 'orders');
    const inventory = notHonouredWarnings(sc.platform.coreStack, 'inventory');
    // THEN
    expect(orders).toHaveLength(1);
    expect(orders[0]).toMatch(/^orders: Service Connect does not honour /);
    expect(orders[0]).toContain('retries (3 attempts, 2000 ms per try)');
    expect(orders[0]).toContain('circuitBreaker (5 errors in 10 s, 30 s out, at most 50 %)');
    expect(orders[0]).toContain('v2 takes 10 % of the traffic from v1');
    // timeoutMs 15000 is whole seconds: nothing to say about it
    expect(orders[0]).not.toContain('timeoutMs');
    expect(inventory).toEqual([]);
  });

  test('a timeout of 15500 ms is 16 s, with a warning that Service Connect counts whole seconds', () => {
    // WHEN inventory sets timeoutMs 15500
    const { platform, template } = variantPlatform();
    // THEN
    expect(ecsServiceOf(template, 'inventory')[1].Properties.ServiceConnectConfiguration.Services[0].Timeout).toEqual({
      PerRequestTimeoutSeconds: 16,
      IdleTimeoutSeconds: 300,
    });
    const warnings = notHonouredWarnings(platform.coreStack, 'inventory');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/timeoutMs 15500: its timeout is in whole seconds, so requests may take up to 16 s/);
    expect(warnings[0]).not.toContain('retries');
  });
});

describe('the ingress', () => {
  test('is no App Mesh resource', () => {
    // THEN
    const appMeshTypes = (template: Template) =>
      Object.values<any>(template.toJSON().Resources)
        .map((r) => r.Type as string)
        .filter((type) => type.startsWith('AWS::AppMesh::'));
    expect(appMeshTypes(sc.template)).toEqual([]);
    // (the same model on App Mesh has them)
    expect(appMeshTypes(am).length).toBeGreaterThan(0);
  });

  test('nginx on Fargate in the API load balancer\'s target group', () => {
    // GIVEN
    const targetGroups = resourcesOf(sc.template, 'AWS::ElasticLoadBalancingV2::TargetGroup');
    expect(targetGroups).toHaveLength(1);
    // WHEN
    const [, ingress] = ingressServiceOf(sc.template);
    // THEN
    expect(ingress.Properties.LoadBalancers).toEqual([{ ContainerName: 'nginx', ContainerPort: 8080, TargetGroupArn: { Ref: targetGroups[0][0] } }]);
    expect(ingress.Properties.LaunchType).toBe('FARGATE');
    const task = taskDefinitionOf(sc.template, ingress);
    expect(task.ContainerDefinitions).toHaveLength(1);
    expect(task.ContainerDefinitions[0]).toMatchObject({ Name: 'nginx', Image: NGINX_IMAGE });
  });

  test('its nginx configuration sends each API path to its service\'s alias', () => {
    // WHEN
    const [, ingress] = ingressServiceOf(sc.template);
    const environment = taskDefinitionOf(sc.template, ingress).ContainerDefinitions[0].Environment;
    const conf = environment.find((e: any) => e.Name === 'INGRESS_NGINX_CONF')?.Value;
    // THEN
    expect(conf).toEqual(expect.any(String));
    expect(conf).toContain('location = /orders {');
    expect(conf).toContain('proxy_pass http://orders.shop.local:8080;');
    expect(conf).toContain('location = /health {');
    expect(conf).toContain('location ~ "^/orders/[^/]+$" {');
    expect(conf).toContain('location ~ "^/inventory/" {');
    expect(conf).toContain('proxy_pass http://inventory.shop.local:8080;');
    // exact paths before regexes before prefixes, anything else a 404
    const order = ['location = /orders', 'location ~ "^/orders/', 'location ~ "^/inventory/"', 'location / { return 404; }'].map((l) => conf.indexOf(l));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(order.every((i) => i >= 0)).toBe(true);
  });

  test('starts after both services, whose aliases it needs', () => {
    // WHEN
    const [, ingress] = ingressServiceOf(sc.template);
    // THEN
    expect(ingress.DependsOn).toEqual(expect.arrayContaining([ecsServiceOf(sc.template, 'orders')[0], ecsServiceOf(sc.template, 'inventory')[0]]));
  });

  test('the API\'s methods are the same on both backends', () => {
    // GIVEN
    const methods = (template: Template) =>
      Object.fromEntries(
        resourcesOf(template, 'AWS::ApiGateway::Method').map(([id, m]) => [
          id,
          {
            uri: m.Properties.Integration?.Uri,
            authorizationType: m.Properties.AuthorizationType,
            httpMethod: m.Properties.HttpMethod,
            resourceId: m.Properties.ResourceId,
          },
        ]),
      );
    // WHEN
    const onServiceConnectMethods = methods(sc.template);
    // THEN
    expect(Object.keys(onServiceConnectMethods)).toHaveLength(5);
    expect(Object.values(onServiceConnectMethods).every((m) => m.uri !== undefined)).toBe(true);
    expect(onServiceConnectMethods).toEqual(methods(am));
  });
});

describe('the same model on both backends', () => {
  test('the same services, names and ports', () => {
    // GIVEN
    const onServiceConnect = resourcesOf(sc.template, 'AWS::ECS::Service')
      .flatMap(([, s]) => s.Properties.ServiceConnectConfiguration?.Services ?? [])
      .map((s: any) => ({ name: s.DiscoveryName, alias: s.ClientAliases[0].DnsName, port: s.ClientAliases[0].Port }))
      .sort((a, b) => a.name.localeCompare(b.name));
    // WHEN
    const onAppMesh = resourcesOf(am, 'AWS::AppMesh::VirtualService')
      .map(([, v]) => v.Properties.VirtualServiceName as string)
      .sort()
      .map((alias) => {
        const name = alias.split('.')[0];
        const router = resourcesOf(am, 'AWS::AppMesh::VirtualRouter').find(([, r]) => r.Properties.VirtualRouterName === `${name}-router`)!;
        return { name, alias, port: router[1].Properties.Spec.Listeners[0].PortMapping.Port };
      });
    // THEN
    expect(onServiceConnect.map((s) => s.name)).toEqual(['inventory', 'orders']);
    expect(onServiceConnect).toEqual(onAppMesh);
  });

  test('the same security-group rules for the same calls', () => {
    // WHEN
    const rules = callRules(sc.template);
    // THEN orders → inventory, and the ingress → each service
    expect(rules).toHaveLength(3);
    expect(rules.filter((r) => r.startsWith('["From orders"'))).toHaveLength(1);
    expect(rules.every((r) => r.includes('"tcp",8080,8080'))).toBe(true);
    expect(rules).toEqual(callRules(am));
  });
});

describe('a sharded platform on Service Connect', () => {
  /** Services added to the reference two, spread over both service stacks, with calls across them. */
  const ADDED: Record<string, { calls?: string[]; autoscaling?: boolean; route: string; methods: string[] }> = {
    billing: { calls: ['orders'], route: '/billing/{invoiceId}', methods: ['GET'] },
    payments: { autoscaling: true, route: '/payments', methods: ['POST'] },
    shipping: { calls: ['inventory'], route: '/shipping/{proxy+}', methods: ['ANY'] },
    catalog: { calls: ['payments'], route: '/catalog', methods: ['GET', 'POST'] },
  };
  let app: App;
  let platform: Platform;
  let config: PlatformConfig;
  beforeAll(() => {
    // GIVEN six services in two service stacks
    const sharded = onServiceConnect(referenceConfig()) as any;
    sharded.serviceStacks = 2;
    for (const [name, added] of Object.entries(ADDED)) {
      sharded.mesh.services[name] = {
        port: 8080,
        ...(added.calls ? { calls: added.calls } : {}),
        versions: { v1: { image: `public.ecr.aws/shop/${name}:1.0`, weight: 100, ...(added.autoscaling ? { autoscaling: { maxCapacity: 4 } } : {}) } },
      };
      sharded.api.routes.push({ path: added.route, methods: added.methods, service: name, auth: 'jwt' });
    }
    config = sharded;
    app = testApp();
    // WHEN
    platform = new Platform(app, { config });
  });

  test('spreads the services over both service stacks', () => {
    // THEN (so that the assertions below see references across stacks)
    const names = Object.keys(config.mesh.services);
    expect(names).toHaveLength(6);
    expect(new Set(names.map((name) => jumpConsistentHash(name, 2)))).toEqual(new Set([0, 1]));
    expect(platform.serviceStackCount).toBe(2);
    expect(platform.stacks).toHaveLength(4);
    expect(platform.mesh.provider).toBe('service-connect');
  });

  test('synthesizes, each stack depending only on those before it', () => {
    // WHEN
    const assembly = app.synth();
    // THEN
    expect(assembly.stacks.map((s) => s.stackName).sort()).toEqual(platform.stacks.map((s) => s.stackName).sort());
    platform.stacks.forEach((stack, i) => {
      for (const dependency of stack.dependencies) expect(platform.stacks.indexOf(dependency as Stack)).toBeLessThan(i);
    });
    // … the API stack, with the ingress, after every service stack
    for (const serviceStack of platform.serviceStacks.values()) expect(platform.apiStack.dependencies).toContain(serviceStack);
  });

  test('each service\'s ECS service is in its stack, the ingress in the API stack', () => {
    for (const name of Object.keys(config.mesh.services)) {
      // GIVEN
      const stack = platform.placement.stackOf(name);
      expect(stack).not.toBe(platform.coreStack);
      // THEN
      expect((platform.mesh as ServiceConnectBackend).services.get(name)!.ecsService.stack).toBe(stack);
      ecsServiceOf(Template.fromStack(stack), name);
      for (const other of platform.stacks.filter((s) => s !== stack)) {
        const advertised = resourcesOf(Template.fromStack(other), 'AWS::ECS::Service').map(
          ([, s]) => s.Properties.ServiceConnectConfiguration?.Services?.[0]?.DiscoveryName,
        );
        expect(advertised).not.toContain(name);
      }
    }
    const ingress = (platform.mesh as ServiceConnectBackend).ingress.ecsService;
    expect(ingress.stack).toBe(platform.apiStack);
    expect(platform.apiStack).not.toBe(platform.coreStack);
    ingressServiceOf(Template.fromStack(platform.apiStack));
  });

  test('each service stack holds exactly the resources the plan estimated', () => {
    // GIVEN
    const plan = planServiceStacks(platform.model, config.api.routes, 2);
    const estimated = [...plan.resources].filter(([stack]) => stack !== CORE);
    expect(estimated.map(([stack]) => stack).sort()).toEqual([0, 1]);
    for (const [stackNumber, estimate] of estimated) {
      // WHEN
      const stack = platform.serviceStacks.get(stackNumber)!;
      const template = Template.fromStack(stack).toJSON();
      // The assembly of a test app has no CDK metadata resource (the CLI's version reporting adds it).
      const inTemplate = Object.values<any>(template.Resources).filter((r) => r.Type !== 'AWS::CDK::Metadata').length;
      // THEN
      expect([stack.stackName, resourcesIn(stack)]).toEqual([stack.stackName, estimate]);
      expect([stack.stackName, inTemplate]).toEqual([stack.stackName, estimate]);
    }
  });

});
