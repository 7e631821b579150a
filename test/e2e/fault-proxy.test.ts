import { DescribeTasksCommand, ECSClient, ListTasksCommand } from '@aws-sdk/client-ecs';
import { DescribeTrafficMirrorSessionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { CREDENTIALS, startWorld, type World } from './support/world.js';

/** The test harness's own fault proxy does what each fault promises, and nothing when no rule matches. */
let world: World;
let proxy: FaultProxy;
let ecs: ECSClient;
let ec2: EC2Client;

beforeEach(async () => {
  world = await startWorld();
  proxy = await startFaultProxy(world.emulator.url);
  const config = { endpoint: proxy.endpoint, region: world.emulator.region, credentials: { ...CREDENTIALS }, maxAttempts: 1 };
  ecs = new ECSClient(config);
  ec2 = new EC2Client(config);
});

afterEach(async () => {
  ecs.destroy();
  ec2.destroy();
  await proxy.close();
  await world.close();
});

describe('fault proxy', () => {
  it('passes requests through untouched when no rule matches', async () => {
    // prepare
    const [taskArn] = await world.runTasks(1);
    // act
    const listed = await ecs.send(new ListTasksCommand({ cluster: world.cluster }));
    // assess
    expect(listed.taskArns).toEqual([taskArn]);
    expect(proxy.seen()).toEqual(['ecs:ListTasks']);
  });

  it('answers empty 200s, MISSING failures and short pages for the named operation only', async () => {
    // prepare
    const arns = await world.runTasks(4);
    proxy.setRules([
      { operation: 'ecs:ListTasks', fault: { kind: 'empty-200' }, times: 1 },
      { operation: 'ecs:DescribeTasks', fault: { kind: 'missing', share: 0.5 }, times: 1 },
    ]);
    // act
    const empty = await ecs.send(new ListTasksCommand({ cluster: world.cluster }));
    const full = await ecs.send(new ListTasksCommand({ cluster: world.cluster }));
    const described = await ecs.send(new DescribeTasksCommand({ cluster: world.cluster, tasks: arns }));
    // assess
    expect(empty.taskArns).toBeUndefined();
    expect(full.taskArns).toHaveLength(4);
    expect(described.tasks).toHaveLength(2);
    expect(described.failures?.map((f) => f.reason)).toEqual(['MISSING', 'MISSING']);
    expect(proxy.applied()).toEqual([1, 1]);
  });

  it('empties an EC2 answer, resets connections and fails with an HTML 502', async () => {
    // prepare
    proxy.setRules([
      { operation: 'ec2:DescribeTrafficMirrorSessions', fault: { kind: 'empty-200' }, times: 1 },
      { operation: 'ec2:DescribeTrafficMirrorSessions', fault: { kind: 'reset' }, times: 1 },
      { operation: 'ec2:DescribeTrafficMirrorSessions', fault: { kind: 'status', status: 502 }, times: 1 },
    ]);
    // act
    const empty = await ec2.send(new DescribeTrafficMirrorSessionsCommand({}));
    const reset = await ec2.send(new DescribeTrafficMirrorSessionsCommand({})).catch((error: unknown) => error);
    const badGateway = await ec2.send(new DescribeTrafficMirrorSessionsCommand({})).catch((error: unknown) => error);
    // assess
    expect(empty.TrafficMirrorSessions ?? []).toEqual([]);
    expect(reset).toBeInstanceOf(Error);
    expect((badGateway as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode).toBe(502);
  });
});
