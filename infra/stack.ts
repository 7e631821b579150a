import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { EcsTrafficMirror, type EcsTrafficMirrorProps } from './ecs-traffic-mirror.js';

/** Properties of {@link EcsTrafficMirrorStack}. */
export interface EcsTrafficMirrorStackProps extends StackProps {
  /** Configuration of the mirror. */
  readonly mirror: EcsTrafficMirrorProps;
  /**
   * ARN of an existing SNS topic for alarm notifications; overrides `mirror.alarmTopic`.
   * @default - `mirror.alarmTopic`
   */
  readonly alarmTopicArn?: string;
}

/** A stack holding one {@link EcsTrafficMirror}, with the IDs an operator needs as outputs. */
export class EcsTrafficMirrorStack extends Stack {
  /** The mirror. */
  public readonly mirror: EcsTrafficMirror;

  constructor(scope: Construct, id: string, props: EcsTrafficMirrorStackProps) {
    super(scope, id, {
      description: 'ecs-traffic-mirror: VPC Traffic Mirroring for every ECS task ENI',
      ...props,
    });
    const alarmTopic = props.alarmTopicArn === undefined
      ? props.mirror.alarmTopic
      : sns.Topic.fromTopicArn(this, 'AlarmTopic', props.alarmTopicArn);
    this.mirror = new EcsTrafficMirror(this, 'Mirror', { ...props.mirror, alarmTopic });

    new CfnOutput(this, 'TrafficMirrorTargetId', { value: this.mirror.targetId });
    new CfnOutput(this, 'TrafficMirrorFilterId', { value: this.mirror.filterId });
    new CfnOutput(this, 'EventFunctionName', { value: this.mirror.eventFunction.functionName });
    new CfnOutput(this, 'ReconcileFunctionName', { value: this.mirror.reconcileFunction.functionName });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: this.mirror.deadLetterQueue.queueUrl });
    new CfnOutput(this, 'DashboardName', { value: this.mirror.dashboard.dashboardName });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.mirror.alarmTopic.topicArn });
  }
}
