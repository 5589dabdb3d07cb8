import { Match } from 'aws-cdk-lib/assertions';
import { referenceConfig, synthEdge } from '../helpers';

describe('StageWebAcl', () => {
  test('a regional web ACL with managed rules and a per-IP rate rule is on the stage', () => {
    // GIVEN a config that sets the per-IP rate
    const api = { ...referenceConfig().api, waf: { ratePerIpPer5Minutes: 500 } };
    // WHEN
    const { template } = synthEdge(api);
    // THEN
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      DefaultAction: { Allow: {} },
      Rules: [
        Match.objectLike({ Name: 'AWSManagedRulesAmazonIpReputationList', Priority: 0 }),
        Match.objectLike({ Name: 'AWSManagedRulesCommonRuleSet', Priority: 1 }),
        Match.objectLike({ Name: 'AWSManagedRulesKnownBadInputsRuleSet', Priority: 2 }),
        Match.objectLike({
          Name: 'RatePerIp',
          Priority: 3,
          Action: { Block: {} },
          Statement: { RateBasedStatement: { Limit: 500, AggregateKeyType: 'IP', EvaluationWindowSec: 300 } },
        }),
      ],
    });
    template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      ResourceArn: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('/stages/'), { Ref: Match.stringLikeRegexp('^ApiStage') }])] },
    });
  });

  test('turned off, there is no web ACL', () => {
    // GIVEN
    const api = { ...referenceConfig().api, waf: { enabled: false } };
    // WHEN
    const { template } = synthEdge(api);
    // THEN
    template.resourceCountIs('AWS::WAFv2::WebACL', 0);
    template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 0);
  });
});
