import { Duration } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import type { SpendAlarms } from './spend-alarms';
import type { SpendEstimate } from './spend-estimate';
import { platformNames } from '../platform-names';

/** Properties of a {@link CostDashboard}. */
export interface CostDashboardProps {
  /** The platform's name; the dashboard is called `<name>-cost`. */
  readonly platformName: string;
  /** The stage. */
  readonly stage: apigw.Stage;
  /** Throttled (429) requests. */
  readonly throttledRequests: cloudwatch.Metric;
  /** The spend estimate. */
  readonly estimate: SpendEstimate;
  /** The spend alarms, drawn as limits. */
  readonly alarms: SpendAlarms;
  /** The monthly budget in US dollars. */
  readonly monthlyBudgetUsd: number;
}

/**
 * One dashboard for traffic and what it costs: calls, 4xx and 5xx, throttled requests, latency p50
 * and p99, estimated spend per hour against its alarm, and the month projected against the budget.
 */
export class CostDashboard extends Construct {
  /** The dashboard. */
  public readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: CostDashboardProps) {
    super(scope, id);
    const { stage } = props;
    const fiveMinutes = { period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM };

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: platformNames.costDashboard(props.platformName),
      defaultInterval: Duration.days(1),
      widgets: [
        [
          new cloudwatch.GraphWidget({ title: 'Calls', left: [stage.metricCount(fiveMinutes)], width: 8 }),
          new cloudwatch.GraphWidget({
            title: 'Errors',
            left: [stage.metricClientError({ ...fiveMinutes, label: '4xx' }), stage.metricServerError({ ...fiveMinutes, label: '5xx' })],
            width: 8,
          }),
          new cloudwatch.GraphWidget({
            title: 'Throttled (429)',
            left: [props.throttledRequests.with({ period: Duration.minutes(5), label: '429' })],
            width: 8,
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Latency',
            left: [
              stage.metricLatency({ period: Duration.minutes(5), statistic: cloudwatch.Stats.p(50), label: 'p50' }),
              stage.metricLatency({ period: Duration.minutes(5), statistic: cloudwatch.Stats.p(99), label: 'p99' }),
            ],
            width: 8,
          }),
          new cloudwatch.GraphWidget({
            title: 'Estimated spend per hour (USD)',
            left: [props.estimate.spendPer(Duration.hours(1), 'USD per hour')],
            leftAnnotations: [{ value: props.alarms.hourlyThresholdUsd, label: 'alarm', color: cloudwatch.Color.RED }],
            width: 8,
          }),
          new cloudwatch.GraphWidget({
            title: 'Month projected from the last day (USD)',
            left: [props.estimate.projectedMonth()],
            leftAnnotations: [{ value: props.monthlyBudgetUsd, label: 'budget', color: cloudwatch.Color.RED }],
            width: 8,
          }),
        ],
      ],
    });
  }
}
