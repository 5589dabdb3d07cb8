import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

/** The services that publish cost notifications: AWS Budgets and CloudWatch alarms. */
export const COST_PUBLISHERS = ['budgets.amazonaws.com', 'cloudwatch.amazonaws.com'];

/** Properties of a {@link CostAlertTopic}. */
export interface CostAlertTopicProps {
  /** The platform's name. */
  readonly platformName: string;
  /**
   * Addresses that get the spend alarms by e-mail (each confirms its subscription once). Budget
   * notifications reach them directly from AWS Budgets, so the topic sends them only the alarms.
   * @default - none
   */
  readonly alarmEmails?: string[];
}

/**
 * The SNS topic every cost notification goes to, encrypted with its own KMS key. Only AWS Budgets
 * and CloudWatch, from this account, may publish to it (and use the key); publishing requires TLS.
 */
export class CostAlertTopic extends Construct {
  /** The topic. */
  public readonly topic: sns.Topic;
  /** The topic's key. */
  public readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: CostAlertTopicProps) {
    super(scope, id);
    const account = Stack.of(this).account;
    const fromThisAccount = { StringEquals: { 'aws:SourceAccount': account } };

    this.key = new kms.Key(this, 'Key', {
      description: `Encrypts the ${props.platformName} cost notifications`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CostPublishersEncrypt',
        principals: COST_PUBLISHERS.map((service) => new iam.ServicePrincipal(service)),
        actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        resources: ['*'],
        conditions: fromThisAccount,
      }),
    );

    this.topic = new sns.Topic(this, 'Topic', {
      displayName: `${props.platformName} cost alerts`,
      masterKey: this.key,
      enforceSSL: true,
    });
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CostPublishersPublish',
        principals: COST_PUBLISHERS.map((service) => new iam.ServicePrincipal(service)),
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: fromThisAccount,
      }),
    );
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'OnlyCostPublishersPublish',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        // Absent for users and roles (IfExists then matches), so only the two services get through.
        conditions: { StringNotEqualsIfExists: { 'aws:PrincipalServiceName': COST_PUBLISHERS } },
      }),
    );

    for (const email of props.alarmEmails ?? []) {
      this.topic.addSubscription(
        new subscriptions.EmailSubscription(email, {
          // Alarm notifications are JSON with an AlarmName; budget notifications are plain text
          // and already reach these addresses from AWS Budgets.
          filterPolicyWithMessageBody: { AlarmName: sns.FilterOrPolicy.filter(sns.SubscriptionFilter.existsFilter()) },
        }),
      );
    }
  }
}
