import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { PlatformNetwork } from '../../lib/network/network';
import { testApp } from '../helpers';

describe('PlatformNetwork', () => {
  test('two AZs, flow logs of all traffic, and no subnet that hands out public IPs', () => {
    // GIVEN
    const stack = new Stack(testApp(), 'Test');
    // WHEN
    new PlatformNetwork(stack, 'Network', { cidr: '10.20.0.0/16', natGateways: 2 });
    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.20.0.0/16' });
    template.resourceCountIs('AWS::EC2::NatGateway', 2);
    template.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'ALL', LogDestinationType: 'cloud-watch-logs' });
    const subnets = Object.values(template.findResources('AWS::EC2::Subnet'));
    expect(subnets).toHaveLength(4);
    for (const subnet of subnets) expect(subnet.Properties.MapPublicIpOnLaunch).toBe(false);
  });

  test('without NAT gateways the private subnets are isolated and there are no public ones', () => {
    // GIVEN
    const stack = new Stack(testApp(), 'Test');
    // WHEN
    new PlatformNetwork(stack, 'Network', { natGateways: 0 });
    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::InternetGateway', 0);
    template.resourceCountIs('AWS::EC2::Subnet', 2);
    template.hasResourceProperties('AWS::EC2::Subnet', {
      Tags: Match.arrayWith([{ Key: 'aws-cdk:subnet-type', Value: 'Isolated' }]),
    });
  });
});

describe('PlatformNetwork with an existing VPC', () => {
  test('imports it without a lookup and creates no network resource', () => {
    // GIVEN
    const stack = new Stack(testApp(), 'Test');
    // WHEN
    const network = new PlatformNetwork(stack, 'Network', {
      existingVpc: {
        vpcId: 'vpc-0123456789abcdef0',
        cidr: '10.40.0.0/16',
        availabilityZones: ['eu-west-1a', 'eu-west-1b'],
        privateSubnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0bbbbbbbbbbbbbbb2'],
      },
    });
    // THEN
    const template = Template.fromStack(stack);
    expect(Object.keys(template.toJSON().Resources ?? {})).toEqual([]);
    expect(network.vpc.vpcId).toBe('vpc-0123456789abcdef0');
    expect(network.vpc.selectSubnets(network.privateSubnets).subnetIds).toEqual(['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0bbbbbbbbbbbbbbb2']);
    expect(network.flowLogGroup).toBeUndefined();
  });
});
