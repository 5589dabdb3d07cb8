import * as budgets from 'aws-cdk-lib/aws-budgets';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { costFilterTagValue } from '../platform-names';

/** Properties of a {@link PlatformBudget}. */
export interface PlatformBudgetProps {
  /** The cost-allocation tag key every resource of the platform carries. */
  readonly tagKey: string;
  /** Its value: the platform's name. */
  readonly tagValue: string;
  /** The monthly limit in US dollars. */
  readonly monthlyLimitUsd: number;
  /** Percentages of the limit at which ACTUAL spend notifies. */
  readonly actualThresholdsPercent: number[];
  /** The percentage of the limit at which FORECASTED spend notifies. */
  readonly forecastThresholdPercent: number;
  /** The topic every notification goes to. */
  readonly topic: sns.ITopic;
  /**
   * Addresses every notification is e-mailed to.
   * @default - none
   */
  readonly emails?: string[];
}

/**
 * A monthly AWS Budgets COST budget over the resources tagged as the platform's, notifying on
 * ACTUAL spend at each threshold and on FORECASTED spend. CloudFormation names it: a fixed name
 * makes every later update fail with "already exists".
 */
export class PlatformBudget extends Construct {
  /** The budget. */
  public readonly budget: budgets.CfnBudget;

  constructor(scope: Construct, id: string, props: PlatformBudgetProps) {
    super(scope, id);

    const subscribers: budgets.CfnBudget.SubscriberProperty[] = [
      { subscriptionType: 'SNS', address: props.topic.topicArn },
      ...(props.emails ?? []).map((address) => ({ subscriptionType: 'EMAIL', address })),
    ];
    const notification = (notificationType: 'ACTUAL' | 'FORECASTED', threshold: number) => ({
      notification: { notificationType, comparisonOperator: 'GREATER_THAN', threshold, thresholdType: 'PERCENTAGE' },
      subscribers,
    });

    this.budget = new budgets.CfnBudget(this, 'Budget', {
      budget: {
        budgetType: 'COST',
        timeUnit: 'MONTHLY',
        budgetLimit: { amount: props.monthlyLimitUsd, unit: 'USD' },
        // Cost-allocation tags appear in Billing as `user:<key>`; activate the tag there first.
        costFilters: { TagKeyValue: [costFilterTagValue(props.tagKey, props.tagValue)] },
      },
      notificationsWithSubscribers: [
        ...props.actualThresholdsPercent.map((threshold) => notification('ACTUAL', threshold)),
        notification('FORECASTED', props.forecastThresholdPercent),
      ],
    });
  }
}
