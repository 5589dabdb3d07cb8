import { Match, type Template } from 'aws-cdk-lib/assertions';
import { referenceConfig, synthEdge } from '../helpers';

describe('PrivateIngress', () => {
  let template: Template;
  beforeAll(() => {
    // GIVEN the reference config (mesh ingress on 8080)
    template = synthEdge(referenceConfig().api).template;
  });

  test('an internal network load balancer in the private subnets', () => {
    // THEN
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Type: 'network',
      Scheme: 'internal',
      Subnets: [{ Ref: Match.stringLikeRegexp('privateSubnet1') }, { Ref: Match.stringLikeRegexp('privateSubnet2') }],
      EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic: 'off',
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'load_balancing.cross_zone.enabled', Value: 'true' }]),
    });
  });

  test('its security group admits nothing and sends only to the ingress port inside the VPC', () => {
    // THEN
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('only through the VPC link'),
      SecurityGroupIngress: Match.absent(),
      SecurityGroupEgress: [
        { IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, CidrIp: { 'Fn::GetAtt': [Match.stringLikeRegexp('Vpc'), 'CidrBlock'] }, Description: Match.anyValue() },
      ],
    });
  });

  test('forwards TCP on the ingress port to an IP target group the mesh fills', () => {
    // THEN
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 8080, Protocol: 'TCP' });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Port: 8080,
      Protocol: 'TCP',
      TargetType: 'ip',
      Targets: Match.absent(),
    });
  });

  test('a VPC link targets the load balancer', () => {
    // THEN
    template.hasResourceProperties('AWS::ApiGateway::VpcLink', {
      Name: 'shop-link',
      TargetArns: [{ Ref: Match.stringLikeRegexp('LoadBalancer') }],
    });
  });
});
