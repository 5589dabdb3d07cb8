import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

/** Properties of a {@link StageWebAcl}. */
export interface StageWebAclProps {
  /** The platform's name; the web ACL is called `<name>-api`. */
  readonly platformName: string;
  /** The stage to protect. */
  readonly stage: apigw.Stage;
  /**
   * Requests one client IP may make in any 5-minute window before WAF blocks it.
   * @default 2000
   */
  readonly ratePerIpPer5Minutes?: number;
}

/** The AWS managed rule groups every request passes, in evaluation order. */
const MANAGED_RULE_GROUPS = ['AWSManagedRulesAmazonIpReputationList', 'AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet'];

/**
 * A regional WAF web ACL on the stage: AWS managed rules against known-bad sources and inputs, and
 * a per-IP rate rule that stops a single client before API Gateway's throttles are spent on it.
 */
export class StageWebAcl extends Construct {
  /** The web ACL. */
  public readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: StageWebAclProps) {
    super(scope, id);

    const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName,
    });
    const managedRules: wafv2.CfnWebACL.RuleProperty[] = MANAGED_RULE_GROUPS.map((name, priority) => ({
      name,
      priority,
      statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
      overrideAction: { none: {} },
      visibilityConfig: visibility(name),
    }));
    const rateRule: wafv2.CfnWebACL.RuleProperty = {
      name: 'RatePerIp',
      priority: managedRules.length,
      statement: { rateBasedStatement: { limit: props.ratePerIpPer5Minutes ?? 2000, aggregateKeyType: 'IP', evaluationWindowSec: 300 } },
      action: { block: {} },
      visibilityConfig: visibility('RatePerIp'),
    };

    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      name: `${props.platformName}-api`,
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      rules: [...managedRules, rateRule],
      visibilityConfig: visibility(`${props.platformName}-api`),
    });
    new wafv2.CfnWebACLAssociation(this, 'Association', {
      resourceArn: props.stage.stageArn,
      webAclArn: this.webAcl.attrArn,
    });
  }
}
