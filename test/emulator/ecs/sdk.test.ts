import {
  ClientException,
  ClusterNotFoundException,
  CreateClusterCommand,
  DescribeClustersCommand,
  DescribeTasksCommand,
  ECSClient,
  InvalidParameterException,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  TagResourceCommand,
  UntagResourceCommand,
  paginateListTasks,
  waitUntilTasksRunning,
  waitUntilTasksStopped,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../../src/emulator/index.js';

/** The real AWS SDK v3 against the emulator over HTTP: wire shapes, error types, dates, paginators, waiters. */
let emulator: RunningEmulator;
let ecs: ECSClient;
let subnets: string[];

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, seed: 3, timing: { stepDelayMs: 5, schedulerIntervalMs: 10 } });
  ecs = new ECSClient({
    endpoint: emulator.url,
    region: emulator.region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  subnets = [...emulator.network.subnets.keys()];
  await ecs.send(new CreateClusterCommand({ clusterName: 'sdk' }));
  await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'web',
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      containerDefinitions: [{ name: 'app', image: 'nginx' }],
    }),
  );
});

afterAll(async () => {
  ecs.destroy();
  await emulator.close();
});

describe('ECS over HTTP with @aws-sdk/client-ecs', () => {
  it('runs tasks to RUNNING and STOPPED with the SDK waiters, dates parsed', async () => {
    const run = await ecs.send(
      new RunTaskCommand({
        cluster: 'sdk',
        taskDefinition: 'web',
        launchType: 'FARGATE',
        count: 2,
        networkConfiguration: { awsvpcConfiguration: { subnets } },
      }),
    );
    const arns = (run.tasks ?? []).map((task) => task.taskArn ?? '');
    expect(arns).toHaveLength(2);
    expect(run.tasks?.[0]?.createdAt).toBeInstanceOf(Date);
    await waitUntilTasksRunning({ client: ecs, maxWaitTime: 20, minDelay: 1, maxDelay: 1 }, { cluster: 'sdk', tasks: arns });
    const described = await ecs.send(new DescribeTasksCommand({ cluster: 'sdk', tasks: arns, include: ['TAGS'] }));
    const task = described.tasks?.[0];
    expect(task?.lastStatus).toBe('RUNNING');
    expect(task?.startedAt).toBeInstanceOf(Date);
    expect(Math.abs((task?.startedAt?.getTime() ?? 0) - Date.now())).toBeLessThan(60_000);
    expect(task?.attachments?.[0]?.details?.find((detail) => detail.name === 'networkInterfaceId')?.value).toMatch(/^eni-/);

    await ecs.send(new StopTaskCommand({ cluster: 'sdk', task: arns[0], reason: 'sdk test' }));
    await waitUntilTasksStopped({ client: ecs, maxWaitTime: 20, minDelay: 1, maxDelay: 1 }, { cluster: 'sdk', tasks: [arns[0] ?? ''] });
    const stopped = await ecs.send(new DescribeTasksCommand({ cluster: 'sdk', tasks: [arns[0] ?? ''] }));
    expect(stopped.tasks?.[0]).toMatchObject({ lastStatus: 'STOPPED', stopCode: 'UserInitiated', stoppedReason: 'sdk test' });

    const events = emulator.ecs.eventsAfter(0).filter((logged) => logged.event.resources[0] === arns[0]);
    expect(events.at(-1)?.event.detail['lastStatus']).toBe('STOPPED');
  });

  it('pages ListTasks with the SDK paginator', async () => {
    const run = await ecs.send(
      new RunTaskCommand({ cluster: 'sdk', taskDefinition: 'web', launchType: 'FARGATE', count: 10, networkConfiguration: { awsvpcConfiguration: { subnets } } }),
    );
    expect(run.tasks).toHaveLength(10);
    const pages: string[][] = [];
    for await (const page of paginateListTasks({ client: ecs, pageSize: 4 }, { cluster: 'sdk', family: 'web' })) {
      pages.push(page.taskArns ?? []);
    }
    expect(pages.map((page) => page.length)).toEqual([4, 4, 3]);
    expect(new Set(pages.flat()).size).toBe(11);
  });

  it('maps error answers to the SDK exception classes', async () => {
    await expect(ecs.send(new ListTasksCommand({ cluster: 'ghost' }))).rejects.toBeInstanceOf(ClusterNotFoundException);
    const error = await ecs
      .send(new RunTaskCommand({ cluster: 'sdk', taskDefinition: 'web', launchType: 'FARGATE', networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-nope'] } } }))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidParameterException);
    expect((error as InvalidParameterException).message).toContain("The subnet ID 'subnet-nope' does not exist");
  });

  // ECS API reference, ListTasks desiredStatus: "Although you can filter results based on a desired
  // status of PENDING, this doesn't return any results."
  it('lists nothing for desiredStatus PENDING, even with tasks that are still pending', async () => {
    await ecs.send(new RunTaskCommand({ cluster: 'sdk', taskDefinition: 'web', launchType: 'FARGATE', networkConfiguration: { awsvpcConfiguration: { subnets } } }));
    expect((await ecs.send(new ListTasksCommand({ cluster: 'sdk', desiredStatus: 'PENDING' }))).taskArns).toEqual([]);
  });

  // What ECS answers for an empty cluster (CloudTrail: InvalidParameterException, "No Container
  // Instances were found in your cluster."): the emulator registers no container instances.
  it.each(['EC2', 'EXTERNAL'] as const)('refuses RunTask with launch type %s on a cluster without container instances', async (launchType) => {
    await ecs.send(new RegisterTaskDefinitionCommand({ family: 'bridge', containerDefinitions: [{ name: 'app', image: 'nginx', memory: 128 }] }));
    const error = await ecs.send(new RunTaskCommand({ cluster: 'sdk', taskDefinition: 'bridge', launchType })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidParameterException);
    expect((error as InvalidParameterException).message).toBe('No Container Instances were found in your cluster.');
  });

  // Limits from the ECS API model / reference, each cited in the emulator next to its rule.
  it('enforces documented limits: StopTask reason 255, DescribeClusters 100, aws: tag values, RunTask clientToken 64', async () => {
    const run = await ecs.send(new RunTaskCommand({ cluster: 'sdk', taskDefinition: 'web', launchType: 'FARGATE', networkConfiguration: { awsvpcConfiguration: { subnets } } }));
    const taskArn = run.tasks?.[0]?.taskArn ?? '';
    const refused = async (call: Promise<unknown>): Promise<unknown> => call.then(() => 'accepted', (caught: unknown) => caught);
    expect(await refused(ecs.send(new StopTaskCommand({ cluster: 'sdk', task: taskArn, reason: 'r'.repeat(256) })))).toBeInstanceOf(InvalidParameterException);
    expect(await refused(ecs.send(new DescribeClustersCommand({ clusters: Array.from({ length: 101 }, (_, i) => `c${i}`) })))).toBeInstanceOf(InvalidParameterException);
    expect(await refused(ecs.send(new TagResourceCommand({ resourceArn: taskArn, tags: [{ key: 'k', value: 'aws:reserved' }] })))).toBeInstanceOf(InvalidParameterException);
    expect(
      await refused(ecs.send(new RunTaskCommand({ cluster: 'sdk', taskDefinition: 'web', launchType: 'FARGATE', clientToken: 't'.repeat(65), networkConfiguration: { awsvpcConfiguration: { subnets } } }))),
    ).toBeInstanceOf(InvalidParameterException);
    const stopped = await ecs.send(new StopTaskCommand({ cluster: 'sdk', task: taskArn, reason: 'r'.repeat(255) }));
    expect(stopped.task?.desiredStatus).toBe('STOPPED');
  });

  // ECS model, RegisterTaskDefinition.memory: Fargate "you must use one of the following values" per cpu.
  it('registers only the Fargate task sizes the model lists, in units or in vCPU/GB', async () => {
    const fargate = (cpu: string, memory: string) =>
      ecs.send(new RegisterTaskDefinitionCommand({ family: 'sized', networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], cpu, memory, containerDefinitions: [{ name: 'app', image: 'nginx' }] }));
    for (const [cpu, memory] of [['256', '512'], ['1 vCPU', '2GB'], ['4096', '30720'], ['8192', '61440']] as const) {
      expect((await fargate(cpu, memory)).taskDefinition?.family).toBe('sized');
    }
    for (const [cpu, memory] of [['256', '4096'], ['300', '512'], ['2048', '4608'], ['8192', '18432']] as const) {
      expect(await fargate(cpu, memory).then(() => 'accepted', (caught: unknown) => caught)).toBeInstanceOf(ClientException);
    }
  });

  it('answers ThrottlingException that the SDK treats as retryable throttling', async () => {
    emulator.setFaults({ ecsThrottleRate: 1 });
    const client = new ECSClient({
      endpoint: emulator.url,
      region: emulator.region,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 2,
          });
    try {
      const error = await client.send(new ListTasksCommand({ cluster: 'sdk' })).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ name: 'ThrottlingException', message: 'Rate exceeded', $metadata: { httpStatusCode: 400, attempts: 2 } });
    } finally {
      emulator.setFaults({ ecsThrottleRate: 0 });
      client.destroy();
    }
  });

  it('accepts only the Fargate cpu/memory pairs of the model, in units or as "1 vCPU" / "2GB"', async () => {
    const fargate = (cpu: string, memory: string) =>
      new RegisterTaskDefinitionCommand({ family: 'sizes', networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], cpu, memory, containerDefinitions: [{ name: 'app', image: 'nginx' }] });
    await expect(ecs.send(fargate('256', '4096'))).rejects.toBeInstanceOf(ClientException);
    await expect(ecs.send(fargate('256', '4096'))).rejects.toThrow(/No Fargate configuration exists/);
    const words = await ecs.send(fargate('1 vCPU', '2GB'));
    expect(words.taskDefinition?.family).toBe('sizes');
  });

  it('refuses an UntagResource key longer than 128 characters (model TagKey)', async () => {
    const [cluster] = (await ecs.send(new DescribeClustersCommand({ clusters: ['sdk'] }))).clusters ?? [];
    await expect(ecs.send(new UntagResourceCommand({ resourceArn: cluster?.clusterArn, tagKeys: ['k'.repeat(129)] }))).rejects.toBeInstanceOf(InvalidParameterException);
    await ecs.send(new UntagResourceCommand({ resourceArn: cluster?.clusterArn, tagKeys: ['k'.repeat(128)] }));
  });
});
