import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';

/**
 * The topic the alarms notify: the given one, or a topic of our own, so that an alarm always has
 * an action. Ours is encrypted with a key of its own and refuses non-TLS publishing. CloudWatch
 * publishes to an encrypted topic only with a customer managed key whose policy lets
 * cloudwatch.amazonaws.com use it (the AWS managed alias/aws/sns key's policy cannot be changed,
 * SNS Developer Guide, "Enable compatibility between event sources from AWS services and
 * encrypted topics"); and the topic policy CDK writes for enforceSSL replaces SNS's default one,
 * so the service needs an explicit sns:Publish grant. Both are limited to alarms of this account.
 */
export function alarmTopicOf(scope: Construct, given: sns.ITopic | undefined, email: string | undefined): sns.ITopic {
  const topic = given ?? createAlarmTopic(scope);
  if (email !== undefined) topic.addSubscription(new subscriptions.EmailSubscription(email));
  return topic;
}

function createAlarmTopic(scope: Construct): sns.Topic {
  const account = Stack.of(scope).account;
  const cloudwatch = new iam.ServicePrincipal('cloudwatch.amazonaws.com');
  const fromThisAccount = { StringEquals: { 'aws:SourceAccount': account } };
  const key = new kms.Key(scope, 'AlarmTopicKey', {
    description: 'ecs-traffic-mirror: encrypts the alarm topic',
    enableKeyRotation: true,
  });
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'CloudWatchAlarmsPublishToTheTopic',
      principals: [cloudwatch],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
      conditions: fromThisAccount,
    }),
  );
  const topic = new sns.Topic(scope, 'AlarmTopic', { displayName: 'ecs-traffic-mirror alarms', masterKey: key, enforceSSL: true });
  topic.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'CloudWatchAlarmsPublish',
      principals: [cloudwatch],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: fromThisAccount,
    }),
  );
  return topic;
}
