/**
 * SNS events as the cost topic delivers them to Lambda: CloudWatch alarm state changes (JSON) and
 * AWS Budgets notifications (plain text, in the format AWS sends; see messages.ts).
 */
import type { Stage } from '@aws-sdk/client-api-gateway';
import type { SNSEvent, SNSEventRecord } from 'aws-lambda';

const TOPIC_ARN = 'arn:aws:sns:eu-west-1:123456789012:shop-cost-alerts';

export interface Message {
  readonly message: string;
  readonly subject?: string;
}

let sequence = 0;

export function snsRecord({ message, subject }: Message): SNSEventRecord {
  sequence += 1;
  const id = `00000000-0000-4000-8000-${String(sequence).padStart(12, '0')}`;
  return {
    EventSource: 'aws:sns',
    EventVersion: '1.0',
    EventSubscriptionArn: `${TOPIC_ARN}:11111111-2222-4333-8444-555555555555`,
    Sns: {
      Type: 'Notification',
      MessageId: id,
      TopicArn: TOPIC_ARN,
      Subject: subject,
      Message: message,
      Timestamp: '2026-05-13T23:16:01.030Z',
      SignatureVersion: '1',
      Signature: 'c2lnbmF0dXJl',
      SigningCertUrl: 'https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-0000.pem',
      UnsubscribeUrl: `https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${TOPIC_ARN}:1`,
      MessageAttributes: {},
    },
  };
}

/** An SNS event with one record per message. */
export function snsEvent(...messages: Message[]): SNSEvent {
  return { Records: messages.map(snsRecord) };
}

export type AlarmState = 'ALARM' | 'OK' | 'INSUFFICIENT_DATA';

/** A CloudWatch alarm state-change notification. */
export function alarmMessage(alarmName: string, newState: AlarmState, oldState: AlarmState = newState === 'ALARM' ? 'OK' : 'ALARM'): Message {
  return {
    subject: `${newState}: "${alarmName}" in EU (Ireland)`,
    message: JSON.stringify({
      AlarmName: alarmName,
      AlarmDescription: 'Estimated spend per hour is over the limit',
      AWSAccountId: '123456789012',
      AlarmConfigurationUpdatedTimestamp: '2026-05-01T10:00:00.000+0000',
      NewStateValue: newState,
      NewStateReason: 'Threshold Crossed: 2 out of the last 2 datapoints were greater than the threshold (2.05).',
      StateChangeTime: '2026-05-13T23:15:00.000+0000',
      Region: 'EU (Ireland)',
      AlarmArn: `arn:aws:cloudwatch:eu-west-1:123456789012:alarm:${alarmName}`,
      OldStateValue: oldState,
      OKActions: [],
      AlarmActions: [TOPIC_ARN],
      InsufficientDataActions: [],
      Trigger: {
        MetricName: 'EstimatedSpendUsd',
        Namespace: 'Platform/Cost',
        StatisticType: 'Statistic',
        Statistic: 'SUM',
        Unit: null,
        Dimensions: [],
        Period: 3600,
        EvaluationPeriods: 2,
        DatapointsToAlarm: 2,
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 2.05,
        TreatMissingData: 'missing',
      },
    }),
  };
}

export interface BudgetAlert {
  readonly budgetName: string;
  readonly alertType: 'ACTUAL' | 'FORECASTED';
  /** The threshold in dollars, as AWS states it. */
  readonly thresholdUsd: number;
  /** The budgeted amount in dollars; omitted from the message when undefined. */
  readonly budgetedUsd?: number;
  readonly amountUsd: number;
}

const usd = (n: number): string => `$${n.toFixed(2)}`;

/** An AWS Budgets notification, as AWS Budgets publishes it to SNS (plain text). */
export function budgetMessage({ budgetName, alertType, thresholdUsd, budgetedUsd, amountUsd }: BudgetAlert): Message {
  const lines = [
    'AWS Budget Notification May 13, 2026',
    'AWS Account 123456789012',
    '',
    'Dear AWS Customer,',
    '',
    `You requested that we alert you when the ${alertType} Cost associated with your ${budgetName} budget is greater than ${usd(thresholdUsd)} for the current month. The ${alertType} Cost associated with this budget is ${usd(amountUsd)}. You can find additional details below and by accessing the AWS Budgets dashboard [1].`,
    '',
    `Budget Name: ${budgetName}`,
    'Budget Type: Cost',
    ...(budgetedUsd === undefined ? [] : [`Budgeted Amount: ${usd(budgetedUsd)}`]),
    `Alert Type: ${alertType}`,
    `Alert Threshold: > ${usd(thresholdUsd)}`,
    `${alertType} Amount: ${usd(amountUsd)}`,
    '',
    '[1] https://console.aws.amazon.com/costmanagement/home#/budgets',
    '',
  ];
  return { subject: `AWS Budgets: ${budgetName} has exceeded your alert threshold`, message: lines.join('\n') };
}

/** GetStage's answer with the given default method throttling (omitted values are absent). */
export function stage(limits: { rateLimit?: number; burstLimit?: number } | undefined): Stage {
  return {
    stageName: 'prod',
    deploymentId: 'abc123',
    methodSettings:
      limits === undefined
        ? {}
        : {
            '*/*': {
              metricsEnabled: true,
              loggingLevel: 'INFO',
              dataTraceEnabled: false,
              ...(limits.rateLimit === undefined ? {} : { throttlingRateLimit: limits.rateLimit }),
              ...(limits.burstLimit === undefined ? {} : { throttlingBurstLimit: limits.burstLimit }),
              cachingEnabled: false,
            },
          },
  };
}
