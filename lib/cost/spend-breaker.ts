import { Duration } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { BundledFunction } from '../common/bundled-function';
import type { ThrottleConfig } from '../config/types';

/** Properties of a {@link SpendBreaker}. */
export interface SpendBreakerProps {
  /** The platform's name. */
  readonly platformName: string;
  /** The stage it throttles. */
  readonly stage: apigw.Stage;
  /** The throttle it sets. */
  readonly floor: ThrottleConfig;
  /** The topic it listens to. */
  readonly topic: sns.ITopic;
  /** The names of the alarms that trip it. */
  readonly alarmNames: string[];
  /** The budget whose notifications can trip it. */
  readonly budgetName: string;
  /** The budget's monthly limit in US dollars. */
  readonly budgetLimitUsd: number;
  /** A budget notification trips it at this percentage of the budget or above. */
  readonly tripOnBudgetPercent: number;
}

/**
 * The spend circuit breaker (lambda/cost-breaker): on an ALARM of the spend alarms, or a budget
 * notification of ACTUAL spend at the trip threshold, it lowers the stage's default throttle to the
 * floor. It never raises a limit; an operator restores them. It may read and update this stage only.
 */
export class SpendBreaker extends Construct {
  /** The breaker function. */
  public readonly handler: BundledFunction;

  constructor(scope: Construct, id: string, props: SpendBreakerProps) {
    super(scope, id);
    const { stage } = props;

    this.handler = new BundledFunction(this, 'Handler', {
      source: 'cost-breaker',
      description: `Throttles the ${props.platformName} API stage to its floor when spend runs away`,
      // Room for the SDK's four attempts at GetStage and at UpdateStage under throttling (about 14 s).
      timeout: Duration.seconds(30),
      environment: {
        REST_API_ID: stage.restApi.restApiId,
        STAGE_NAME: stage.stageName,
        FLOOR_RATE_LIMIT: String(props.floor.rateLimit),
        FLOOR_BURST_LIMIT: String(props.floor.burstLimit),
        ALARM_NAMES: props.alarmNames.join(','),
        BUDGET_NAME: props.budgetName,
        BUDGET_LIMIT_USD: String(props.budgetLimitUsd),
        TRIP_ON_BUDGET_PERCENT: String(props.tripOnBudgetPercent),
        PLATFORM: props.platformName,
      },
    });
    this.handler.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['apigateway:GET', 'apigateway:PATCH'], resources: [stage.stageArn] }),
    );
    props.topic.addSubscription(new subscriptions.LambdaSubscription(this.handler.function));
  }
}
