import { DescribeTasksCommand, ECSClient } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SdkEcsTasks } from '../../../src/aws/ecs-tasks.js';

const ecsMock = mockClient(ECSClient);
const CLUSTER = 'arn:aws:ecs:us-east-1:123456789012:cluster/apps';
const arn = (id: string) => `arn:aws:ecs:us-east-1:123456789012:task/apps/${id}`;

function describedTask(id: string) {
  return {
    taskArn: arn(id),
    clusterArn: CLUSTER,
    lastStatus: 'RUNNING',
    desiredStatus: 'RUNNING',
    launchType: 'FARGATE' as const,
    group: 'family:web',
    taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:1',
    version: 3,
    attachments: [],
  };
}

beforeEach(() => ecsMock.reset());

describe('SdkEcsTasks.describeTasks', () => {
  it("turns ECS's failures into typed results next to the described tasks", async () => {
    // prepare
    ecsMock.on(DescribeTasksCommand).resolves({ tasks: [describedTask('a')], failures: [{ arn: arn('b'), reason: 'MISSING' }] });
    // act
    const answer = await new SdkEcsTasks(new ECSClient({ region: 'us-east-1' })).describeTasks(CLUSTER, [arn('a'), arn('b')]);
    // assess
    expect(answer.tasks.map((t) => t.taskArn)).toEqual([arn('a')]);
    expect(answer.failures).toEqual([{ arn: arn('b'), reason: 'MISSING' }]);
  });

  it('counts a task the answer leaves out altogether as not answered, never as gone', async () => {
    // prepare: an empty body, as a proxy or a cut response can give
    ecsMock.on(DescribeTasksCommand).resolves({});
    // act
    const answer = await new SdkEcsTasks(new ECSClient({ region: 'us-east-1' })).describeTasks(CLUSTER, [arn('a'), 'b']);
    // assess
    expect(answer.tasks).toEqual([]);
    expect(answer.failures).toEqual([
      { arn: arn('a'), reason: 'NOT_ANSWERED' },
      { arn: 'b', reason: 'NOT_ANSWERED' },
    ]);
  });

  it('matches tasks asked for by id with the ARNs ECS answers', async () => {
    // prepare
    ecsMock.on(DescribeTasksCommand).resolves({ tasks: [describedTask('a')] });
    // act
    const answer = await new SdkEcsTasks(new ECSClient({ region: 'us-east-1' })).describeTasks(CLUSTER, ['a']);
    // assess
    expect(answer.failures).toEqual([]);
  });
});
