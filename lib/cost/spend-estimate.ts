import { Duration } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';

/** The unit prices the estimate uses, in US dollars. */
export interface UnitPrices {
  readonly restApiCallsPerMillion: number;
  readonly lambdaRequestsPerMillion: number;
  readonly lambdaGbSecond: number;
}

/** List prices (us-east-1, 2026-11): REST calls, Lambda requests, arm64 GB-seconds. */
export const DEFAULT_UNIT_PRICES: UnitPrices = {
  restApiCallsPerMillion: 3.5,
  lambdaRequestsPerMillion: 0.2,
  lambdaGbSecond: 0.0000133334,
};

/** Hours in an average month, as AWS bills them. */
export const HOURS_PER_MONTH = 730;

/** A Lambda function whose cost the estimate includes. */
export interface MeteredFunction {
  readonly function: lambda.IFunction;
  readonly memoryMiB: number;
}

/** Properties of a {@link SpendEstimate}. */
export interface SpendEstimateProps {
  /** The stage whose calls are billed. */
  readonly stage: apigw.Stage;
  /**
   * A function that runs for calls (the JWT authorizer).
   * @default - none
   */
  readonly authorizer?: MeteredFunction;
  /** The unit prices. */
  readonly prices: UnitPrices;
}

/** A number as metric math reads it: decimal digits, never an exponent. */
export function decimal(value: number): string {
  return value.toFixed(15).replace(/\.?0+$/, '');
}

/**
 * The platform's per-call spend as CloudWatch metric math: API Gateway's call count for the stage,
 * and the authorizer's invocations and duration, times the unit prices. It counts what grows with
 * calls; fixed costs (NAT gateways, tasks, WAF) are not in it.
 */
export class SpendEstimate {
  constructor(private readonly props: SpendEstimateProps) {}

  /** Estimated US dollars spent per `period`. */
  public spendPer(period: Duration, label: string): cloudwatch.MathExpression {
    const { stage, authorizer, prices } = this.props;
    const usingMetrics: Record<string, cloudwatch.IMetric> = {
      calls: stage.metricCount({ period, statistic: cloudwatch.Stats.SUM }),
    };
    const terms = [`FILL(calls, 0) * ${decimal(prices.restApiCallsPerMillion / 1e6)}`];
    if (authorizer) {
      usingMetrics.invocations = authorizer.function.metricInvocations({ period, statistic: cloudwatch.Stats.SUM });
      usingMetrics.durationMs = authorizer.function.metricDuration({ period, statistic: cloudwatch.Stats.SUM });
      terms.push(
        `FILL(invocations, 0) * ${decimal(prices.lambdaRequestsPerMillion / 1e6)}`,
        `FILL(durationMs, 0) * ${decimal((authorizer.memoryMiB / 1024 / 1000) * prices.lambdaGbSecond)}`,
      );
    }
    return new cloudwatch.MathExpression({ expression: terms.join(' + '), usingMetrics, label, period });
  }

  /** The month's spend in US dollars, projected from the last day's. */
  public projectedMonth(): cloudwatch.MathExpression {
    return new cloudwatch.MathExpression({
      expression: `daily * ${decimal(HOURS_PER_MONTH / 24)}`,
      usingMetrics: { daily: this.spendPer(Duration.days(1), 'Estimated USD per day') },
      label: 'Projected USD per month',
      period: Duration.days(1),
    });
  }
}
