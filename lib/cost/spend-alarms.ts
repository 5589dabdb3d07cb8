import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { HOURS_PER_MONTH, type SpendEstimate } from './spend-estimate';
import { platformNames } from '../platform-names';

/** Properties of a {@link SpendAlarms}. */
export interface SpendAlarmsProps {
  /** The platform's name, in the alarms' names. */
  readonly platformName: string;
  /** The spend estimate. */
  readonly estimate: SpendEstimate;
  /** The monthly budget in US dollars. */
  readonly monthlyBudgetUsd: number;
  /** How many times the even hourly share an hour may cost. */
  readonly burstFactor: number;
  /** Consecutive hours over the limit before the alarm fires. */
  readonly evaluationHours: number;
  /** Where the alarms notify (ALARM and OK). */
  readonly topics: sns.ITopic[];
}

/**
 * Near-real-time spend alarms from the estimate (AWS Budgets' data is hours old):
 * - the hourly spend above the budget's even hourly share (budget / 730) times the burst factor,
 *   for `evaluationHours` hours in a row;
 * - the last day's spend, projected over a month, above the budget.
 */
export class SpendAlarms extends Construct {
  /** Spend per hour above its limit. */
  public readonly hourly: cloudwatch.Alarm;
  /** The month, projected from the last day, above the budget. */
  public readonly projectedMonth: cloudwatch.Alarm;
  /** The hourly alarm's threshold in US dollars. */
  public readonly hourlyThresholdUsd: number;

  constructor(scope: Construct, id: string, props: SpendAlarmsProps) {
    super(scope, id);

    this.hourlyThresholdUsd = (props.monthlyBudgetUsd / HOURS_PER_MONTH) * props.burstFactor;
    this.hourly = new cloudwatch.Alarm(this, 'Hourly', {
      alarmName: platformNames.hourlySpendAlarm(props.platformName),
      alarmDescription: `Estimated spend per hour above ${props.burstFactor} x the budget's hourly share (${props.monthlyBudgetUsd} USD / ${HOURS_PER_MONTH} h)`,
      metric: props.estimate.spendPer(Duration.hours(1), 'Estimated USD per hour'),
      threshold: this.hourlyThresholdUsd,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: props.evaluationHours,
      datapointsToAlarm: props.evaluationHours,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    this.projectedMonth = new cloudwatch.Alarm(this, 'ProjectedMonth', {
      alarmName: platformNames.projectedSpendAlarm(props.platformName),
      alarmDescription: `The last day's estimated spend, projected over a month, above the budget (${props.monthlyBudgetUsd} USD)`,
      metric: props.estimate.projectedMonth(),
      threshold: props.monthlyBudgetUsd,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    for (const alarm of [this.hourly, this.projectedMonth]) {
      for (const topic of props.topics) {
        alarm.addAlarmAction(new actions.SnsAction(topic));
        alarm.addOkAction(new actions.SnsAction(topic));
      }
    }
  }
}
