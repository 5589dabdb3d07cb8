import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { CostConfig, RatePlanConfig } from '../config/types';
import type { Edge } from '../edge/edge';
import { CostAlertTopic } from './cost-alert-topic';
import { CostDashboard } from './cost-dashboard';
import { PlatformBudget } from './platform-budget';
import { ratePlanCosts, type RatePlanCostReport } from './rate-plan-costs';
import { SpendAlarms } from './spend-alarms';
import { SpendBreaker } from './spend-breaker';
import { DEFAULT_UNIT_PRICES, SpendEstimate, type UnitPrices } from './spend-estimate';

/** Properties of a {@link CostGuardrails}. */
export interface CostGuardrailsProps {
  /** The platform's name. */
  readonly platformName: string;
  /** The cost-allocation tag key the budget filters on (its value is the platform's name). */
  readonly tagKey: string;
  /** The cost configuration, already validated. */
  readonly cost: CostConfig;
  /** The edge whose calls cost. */
  readonly edge: Edge;
  /** The API's stage: its calls are what cost, and the breaker throttles it. */
  readonly stage: apigw.Stage;
  /** The rate plans, for their worst-case cost. */
  readonly ratePlans: Record<string, RatePlanConfig>;
}

/**
 * Cost as part of the platform: a budget over the platform's tagged resources, near-real-time spend
 * alarms from CloudWatch, a dashboard, the worst-case cost of each rate plan, and the breaker.
 */
export class CostGuardrails extends Construct {
  /** The topic every cost notification goes to. */
  public readonly alerts: CostAlertTopic;
  /** The budget. */
  public readonly budget: PlatformBudget;
  /** The spend alarms. */
  public readonly alarms: SpendAlarms;
  /** The dashboard. */
  public readonly dashboard: CostDashboard;
  /** The worst case per API key of each rate plan. */
  public readonly ratePlanCosts: RatePlanCostReport;
  /**
   * The breaker.
   * @default - none without `cost.breaker`
   */
  public readonly breaker?: SpendBreaker;

  constructor(scope: Construct, id: string, props: CostGuardrailsProps) {
    super(scope, id);
    const { cost, edge, platformName } = props;
    const prices: UnitPrices = { ...DEFAULT_UNIT_PRICES, ...cost.prices };
    const { stage } = props;

    this.alerts = new CostAlertTopic(this, 'Alerts', { platformName, alarmEmails: cost.alertEmails });
    this.budget = new PlatformBudget(this, 'Budget', {
      tagKey: props.tagKey,
      tagValue: platformName,
      monthlyLimitUsd: cost.monthlyBudgetUsd,
      actualThresholdsPercent: cost.actualThresholdsPercent ?? [50, 80, 100],
      forecastThresholdPercent: cost.forecastThresholdPercent ?? 100,
      topic: this.alerts.topic,
      emails: cost.alertEmails,
    });
    // AWS Budgets checks that it may publish when the budget is created.
    this.budget.node.addDependency(this.alerts.topic);

    const authorizer = edge.jwt && { function: edge.jwt.handler.function, memoryMiB: edge.jwt.handler.memoryMiB };
    const estimate = new SpendEstimate({ stage, authorizer, prices });
    const extraTopic = cost.alertTopicArn ? [sns.Topic.fromTopicArn(this, 'ExtraAlertTopic', cost.alertTopicArn)] : [];
    this.alarms = new SpendAlarms(this, 'SpendAlarms', {
      platformName,
      estimate,
      monthlyBudgetUsd: cost.monthlyBudgetUsd,
      burstFactor: cost.spendAlarm?.burstFactor ?? 3,
      evaluationHours: cost.spendAlarm?.evaluationHours ?? 2,
      topics: [this.alerts.topic, ...extraTopic],
    });
    this.dashboard = new CostDashboard(this, 'Dashboard', {
      platformName,
      stage,
      throttledRequests: edge.restApi.throttledRequests,
      estimate,
      alarms: this.alarms,
      monthlyBudgetUsd: cost.monthlyBudgetUsd,
    });

    this.ratePlanCosts = ratePlanCosts({
      plans: props.ratePlans,
      monthlyBudgetUsd: cost.monthlyBudgetUsd,
      prices,
      authorizerMemoryMiB: authorizer?.memoryMiB,
      warnWhenKeysCanExhaustBudget: cost.warnWhenKeysCanExhaustBudget ?? 10,
    });

    if (cost.breaker) {
      this.breaker = new SpendBreaker(this, 'Breaker', {
        platformName,
        stage,
        floor: cost.breaker.floor,
        topic: this.alerts.topic,
        alarmNames: [this.alarms.hourly.alarmName, this.alarms.projectedMonth.alarmName],
        budgetName: this.budget.budget.ref,
        budgetLimitUsd: cost.monthlyBudgetUsd,
        tripOnBudgetPercent: cost.breaker.tripOnBudgetPercent ?? 100,
      });
    }
  }
}
