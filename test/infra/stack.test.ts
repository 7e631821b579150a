import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { EcsTrafficMirrorStack } from '../../infra/stack.js';
import { FILTER_ID, TARGET_ID } from './helpers.js';

describe('EcsTrafficMirrorStack outputs', () => {
  it('names what an operator needs after deploy, the alarm topic included', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new EcsTrafficMirrorStack(app, 'Outputs', { mirror: { targetId: TARGET_ID, filterId: FILTER_ID } });
    const outputs = Template.fromStack(stack).findOutputs('*');
    expect(Object.keys(outputs).sort()).toEqual(
      ['AlarmTopicArn', 'DashboardName', 'DeadLetterQueueUrl', 'EventFunctionName', 'ReconcileFunctionName', 'TrafficMirrorFilterId', 'TrafficMirrorTargetId'].sort(),
    );
    expect(JSON.stringify(outputs['AlarmTopicArn']?.['Value'])).toContain('AlarmTopic');
  });
});
