import { DeleteTrafficMirrorFilterCommand, DeleteTrafficMirrorSessionCommand, EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient, StopTaskCommand } from '@aws-sdk/client-ecs';
import type { SQSBatchResponse } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { UnsupportedEniPolicy } from '../../infra/ecs-traffic-mirror.js';
import type { TaskEventResult } from '../../src/app/results.js';
import type { ConfigError } from '../../src/core/errors.js';
import { groundTruth } from '../../src/emulator/ground-truth.js';
import { ROLE_ACCESS_KEYS, type ConstructPolicies } from '../../src/emulator/iam/index.js';
import type { TimeLeft } from '../../src/lambda/on-task-event.js';
import { startFaultProxy } from '../support/fault-proxy.js';
import { forgedEvents } from './support/forged-events.js';
import { constructProps, synthesizedPolicies, withoutStatement, worldIamPolicies } from './support/policies.js';
import { CREDENTIALS, startWorld, waitFor, WAIT_MS, type World } from './support/world.js';

/**
 * The Lambda entry points themselves, configured only through process.env as in AWS: the SDK
 * finds the emulator through AWS_ENDPOINT_URL. Each test imports the handler afresh, because a
 * handler keeps its dependencies for the life of the (warm) process.
 *
 * Each function calls AWS with the access key of its role, and the emulator holds each role's
 * identity policy exactly as the CDK construct synthesizes it for the mode under test: a grant
 * the code needs and the construct lacks fails these tests, as it would fail on AWS.
 */
let world: World;
let mode: UnsupportedEniPolicy = 'report';
type Role = keyof typeof ROLE_ACCESS_KEYS;

const APPS_CLUSTER_ARN = 'arn:aws:ecs:us-east-1:123456789012:cluster/apps';

/** The environment the construct gives both functions in this mode. */
function modeEnvironment(): Record<string, string | undefined> {
  return mode === 'stop-task' ? { MIRROR_UNSUPPORTED_POLICY: 'stop-task', MIRROR_CLUSTERS: APPS_CLUSTER_ARN } : { MIRROR_UNSUPPORTED_POLICY: 'report' };
}

function policiesOfMode(): ConstructPolicies {
  return synthesizedPolicies(constructProps(mode));
}

function usePolicies(policies: ConstructPolicies): void {
  world.emulator.iam.setPolicies(worldIamPolicies(policies, world));
}

async function onTaskEvent(): Promise<(event: unknown, context?: TimeLeft) => Promise<SQSBatchResponse | TaskEventResult>> {
  vi.resetModules();
  return (await import('../../src/lambda/on-task-event.js')).handler;
}

async function onSchedule() {
  vi.resetModules();
  return (await import('../../src/lambda/on-schedule.js')).handler;
}

function lambdaEnvironment(extra: Record<string, string | undefined> = {}, role: Role = 'event'): void {
  const env: Record<string, string | undefined> = {
    AWS_ENDPOINT_URL: world.emulator.url,
    AWS_REGION: world.emulator.region,
    AWS_ACCESS_KEY_ID: ROLE_ACCESS_KEYS[role],
    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    AWS_SESSION_TOKEN: undefined,
    AWS_PROFILE: undefined,
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    MIRROR_CLUSTERS: undefined,
    MIRROR_SERVICES: undefined,
    MIRROR_FAMILIES: undefined,
    TrafficMirrorTarget: undefined,
    TrafficMirrorFilter: undefined,
    ...modeEnvironment(),
    ...world.env(),
    ...extra,
  };
  for (const [key, value] of Object.entries(env)) vi.stubEnv(key, value);
}

/** A real RUNNING event naming an ENI id nobody has: ECS contradicts it, so it is rejected. */
function withUnknownEni(event: ReturnType<World['eventOf']>): unknown {
  const text = JSON.stringify(event).replaceAll(/eni-[0-9a-f]{17}/g, 'eni-0000000000000000f');
  return JSON.parse(text);
}

beforeEach(async () => {
  world = await startWorld();
  usePolicies(policiesOfMode());
});

afterEach(async () => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  await world.close();
});

describe.each(['report', 'stop-task'] as const)('under the policies the construct synthesizes for %s', (policy) => {
beforeEach(() => {
  mode = policy;
  usePolicies(policiesOfMode());
});

afterEach(() => {
  // Every flow here is one the product runs on AWS: no call of it may be denied.
  expect(world.emulator.iam.denials()).toEqual([]);
});

describe('on-task-event Lambda', () => {
  it('handles a direct EventBridge event and returns what it did', async () => {
    // prepare
    const taskArn = await world.runningTask();
    lambdaEnvironment();
    const handler = await onTaskEvent();
    // act
    const result = await handler(world.eventOf(taskArn, 'RUNNING'));
    // assess
    expect(result).toMatchObject({ taskArn, enis: [{ outcome: 'created', networkInterfaceId: world.eniOf(taskArn) }] });
    expect(result).not.toHaveProperty('failure');
    expect(await world.sessionsOnEni(world.eniOf(taskArn))).toHaveLength(1);
  });

  it('throws on a direct event that failed, so that Lambda retries it and then dead-letters it', async () => {
    // prepare
    const taskArn = await world.runningTask();
    // The filter is gone (deleted by hand): the role may still create to it, EC2 answers NotFound.
    await world.clients.ec2.send(new DeleteTrafficMirrorFilterCommand({ TrafficMirrorFilterId: world.filterId }));
    lambdaEnvironment();
    const handler = await onTaskEvent();
    // act
    const outcome = handler(world.eventOf(taskArn, 'RUNNING'));
    // assess
    await expect(outcome).rejects.toMatchObject({ name: 'TaskEventFailedError', message: expect.stringContaining('InvalidTrafficMirrorFilterId.NotFound') });
    expect(world.sessionCountToTarget()).toBe(0);
  });

  it('answers an SQS batch with the failed records only', async () => {
    // prepare
    const [good = '', other = ''] = await world.runTasks(2);
    await world.emulator.ecs.waitForTaskStatus(good, 'RUNNING');
    await world.emulator.ecs.waitForTaskStatus(other, 'RUNNING');
    lambdaEnvironment({ MIRROR_ENI_RETRY_ATTEMPTS: '1' });
    const handler = await onTaskEvent();
    const records = [
      { messageId: 'm-good', body: JSON.stringify(world.eventOf(good, 'RUNNING')) },
      { messageId: 'm-unknown-eni', body: JSON.stringify(withUnknownEni(world.eventOf(other, 'RUNNING'))) },
      { messageId: 'm-not-json', body: '{"detail-type": "ECS Task State Change", ' },
      { messageId: 'm-good-again', body: JSON.stringify(world.eventOf(good, 'PENDING')) },
    ];
    // act
    const response = await handler({ Records: records });
    // assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-unknown-eni' }, { itemIdentifier: 'm-not-json' }] });
    expect(await world.sessionsOnEni(world.eniOf(good))).toHaveLength(1);
    expect(await world.sessionsOnEni(world.eniOf(other))).toEqual([]);
  });

  it('fails at start on invalid configuration with one line naming the variable', async () => {
    // prepare
    const taskArn = await world.runningTask();
    lambdaEnvironment({ MIRROR_TARGET_ID: undefined, POWERTOOLS_LOG_LEVEL: 'ERROR' });
    const written: string[] = [];
    const capture = (chunk: string | Uint8Array): boolean => {
      written.push(String(chunk));
      return true;
    };
    // Powertools writes JSON lines through its own Console on the process streams (errors on stderr).
    vi.spyOn(process.stdout, 'write').mockImplementation(capture);
    vi.spyOn(process.stderr, 'write').mockImplementation(capture);
    const handler = await onTaskEvent();
    // act
    const error: unknown = await handler(world.eventOf(taskArn, 'RUNNING')).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    vi.restoreAllMocks();
    // assess
    // The handler was imported afresh, so its ConfigError class is not this file's: compare by name.
    expect(error).toMatchObject({ name: 'ConfigError' });
    expect((error as ConfigError).problems).toEqual([expect.stringMatching(/^MIRROR_TARGET_ID is required/)]);
    const logged = written.join('').split('\n').filter((line) => line.includes('invalid configuration'));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain('MIRROR_TARGET_ID');
    expect(world.sessionCountToTarget()).toBe(0);
  });

  it("accepts the seed's variable names TrafficMirrorTarget / TrafficMirrorFilter", async () => {
    // prepare
    const taskArn = await world.runningTask();
    lambdaEnvironment({ MIRROR_TARGET_ID: undefined, MIRROR_FILTER_ID: undefined, TrafficMirrorTarget: world.targetId, TrafficMirrorFilter: world.filterId });
    const handler = await onTaskEvent();
    // act
    const result = await handler(world.eventOf(taskArn, 'RUNNING'));
    // assess
    expect(result).toMatchObject({ enis: [{ outcome: 'created' }] });
    expect(await world.sessionsOnEni(world.eniOf(taskArn))).toHaveLength(1);
  });
});

describe('on-task-event Lambda, an ENI that cannot be mirrored', () => {
  it('reports and tags the task, and under stop-task stops it (a service task): each call allowed', async () => {
    // prepare
    world.emulator.setFaults({ unsupportedEniRate: 1 });
    await world.createService('api', 1);
    const [taskArn = ''] = await waitFor('the service to start a task', async () => {
      const arns = await world.serviceTaskArns('api');
      return arns.length === 1 ? arns : undefined;
    });
    await world.emulator.ecs.waitForTaskStatus(taskArn, 'RUNNING', WAIT_MS);
    lambdaEnvironment();
    const handler = await onTaskEvent();
    // act
    const result = await handler(world.eventOf(taskArn, 'RUNNING'));
    // assess
    expect(result).toMatchObject({ enis: [{ outcome: mode === 'stop-task' ? 'stopped-task' : 'unsupported' }] });
    expect(await world.taskTags(taskArn)).toMatchObject({ 'ecs-traffic-mirror:unsupported': world.eniOf(taskArn) });
    expect((await world.describeTask(taskArn)).desiredStatus).toBe(mode === 'stop-task' ? 'STOPPED' : 'RUNNING');
  });
});

describe('on-task-event Lambda: forged events', () => {
  it('creates nothing for a forged direct event, and throws so that it is dead-lettered', async () => {
    // prepare
    const forged = await forgedEvents(world);
    lambdaEnvironment({ MIRROR_CLUSTERS: 'apps' });
    const handler = await onTaskEvent();
    for (const { name, event, enis } of forged) {
      // act
      const outcome = handler(event);
      // assess
      await expect(outcome, name).rejects.toMatchObject({ name: 'TaskEventFailedError', message: expect.stringMatching(/^unverified-event: /) });
      for (const eni of enis) expect(await world.sessionsOnEni(eni), name).toEqual([]);
    }
    expect(world.sessionCountToTarget()).toBe(0);
  });

  it('returns forged records of an SQS batch as failures and mirrors the genuine one', async () => {
    // prepare
    const forged = await forgedEvents(world);
    const genuine = await world.runningTask();
    lambdaEnvironment({ MIRROR_CLUSTERS: 'apps' });
    const handler = await onTaskEvent();
    const records = [
      ...forged.map(({ event }, index) => ({ messageId: `m-forged-${index}`, body: JSON.stringify(event) })),
      { messageId: 'm-genuine', body: JSON.stringify(world.eventOf(genuine, 'RUNNING')) },
    ];
    // act
    const response = await handler({ Records: records });
    // assess
    expect(response).toEqual({ batchItemFailures: forged.map((_, index) => ({ itemIdentifier: `m-forged-${index}` })) });
    for (const { enis } of forged) for (const eni of enis) expect(await world.sessionsOnEni(eni)).toEqual([]);
    expect(await world.sessionsOnEni(world.eniOf(genuine))).toHaveLength(1);
    expect(world.sessionCountToTarget()).toBe(1);
  });
});

describe('on-task-event Lambda: its own deadline', () => {
  it('returns the records still waiting on a hung call when its time runs out, and reports none as done', async () => {
    // prepare
    const [hungA = '', hungB = '', early = ''] = await world.runTasks(3);
    for (const arn of [hungA, hungB, early]) await world.emulator.ecs.waitForTaskStatus(arn, 'RUNNING');
    const proxy = await startFaultProxy(world.emulator.url);
    proxy.setRules([{ operation: 'ec2:CreateTrafficMirrorSession', fault: { kind: 'hang' } }]);
    lambdaEnvironment({ AWS_ENDPOINT_URL: proxy.endpoint });
    const handler = await onTaskEvent();
    const records = [
      { messageId: 'm-hung-a', body: JSON.stringify(world.eventOf(hungA, 'RUNNING')) },
      { messageId: 'm-provisioning', body: JSON.stringify(world.eventOf(early, 'PROVISIONING')) },
      { messageId: 'm-hung-b', body: JSON.stringify(world.eventOf(hungB, 'RUNNING')) },
    ];
    try {
      // act: 1 s of work left once the handler keeps its safety margin
      const response = await handler({ Records: records }, { getRemainingTimeInMillis: () => 1_250 });
      // assess
      expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-hung-a' }, { itemIdentifier: 'm-hung-b' }] });
      expect(proxy.applied()[0]).toBeGreaterThan(0);
      expect(world.sessionCountToTarget()).toBe(0);
    } finally {
      await proxy.close();
    }
  });
});

describe('on-schedule Lambda', () => {
  it('backfills tasks that were running before the deployment and reports full coverage', async () => {
    // prepare: events of these tasks were never handled
    const arns = await world.runTasks(3);
    await world.emulator.ecs.idle();
    lambdaEnvironment({}, 'reconcile');
    const handler = await onSchedule();
    // act
    const report = await handler();
    // assess
    expect(report.created.map((c) => c.taskArn).sort()).toEqual([...arns].sort());
    expect(report.failures).toEqual([]);
    expect(report.clusters).toEqual([expect.objectContaining({ cluster: 'apps', tasks: 3, enis: 3, mirrored: 3, missing: 0, coveragePercent: 100 })]);
    expect(await groundTruth(world.emulator, world.targetId)).toMatchObject({ mirrorable: 3, mirrored: 3, duplicateSessions: 0 });
  });
});
});

describe('a grant missing from, or a call outside, the synthesized policies', () => {
  beforeEach(() => {
    mode = 'report';
  });

  it('fails the event flow when the policy lacks the statement that lets it create sessions', async () => {
    // prepare
    usePolicies(withoutStatement(policiesOfMode(), 'event', 'CreateSessionFromTaskEni'));
    const taskArn = await world.runningTask();
    lambdaEnvironment();
    const handler = await onTaskEvent();
    // act
    const outcome = await handler(world.eventOf(taskArn, 'RUNNING')).then(
      () => undefined,
      (error: unknown) => error,
    );
    // assess
    expect(outcome).toMatchObject({ message: expect.stringContaining('UnauthorizedOperation') });
    expect(world.sessionCountToTarget()).toBe(0);
    expect(world.emulator.iam.denials()).toContainEqual(
      expect.objectContaining({ accessKeyId: ROLE_ACCESS_KEYS.event, action: 'ec2:CreateTrafficMirrorSession', resource: expect.stringContaining(':network-interface/') }),
    );
  });

  it('fails the sweep when the reconcile policy lacks ListTasks', async () => {
    // prepare
    usePolicies(withoutStatement(policiesOfMode(), 'reconcile', 'ListTasksInScope'));
    await world.runTasks(1);
    await world.emulator.ecs.idle();
    lambdaEnvironment({}, 'reconcile');
    const handler = await onSchedule();
    // act
    const outcome = await handler().then(
      (report) => report.failures,
      (error: unknown) => error,
    );
    // assess
    expect(JSON.stringify(outcome, Object.getOwnPropertyNames(outcome))).toContain('AccessDenied');
    expect(world.sessionCountToTarget()).toBe(0);
  });

  it('denies the reconcile role deleting a session not tagged as ours, and the event role stopping a task under report', async () => {
    // prepare
    usePolicies(policiesOfMode());
    const taskArn = await world.runningTask();
    const foreign = world.foreignSession(world.eniOf(taskArn), { toOurTarget: true });
    const config = { endpoint: world.emulator.url, region: world.emulator.region, maxAttempts: 1 };
    const reconcileEc2 = new EC2Client({ ...config, credentials: { accessKeyId: ROLE_ACCESS_KEYS.reconcile, secretAccessKey: 'x' } });
    const eventEcs = new ECSClient({ ...config, credentials: { accessKeyId: ROLE_ACCESS_KEYS.event, secretAccessKey: 'x' } });
    // act
    const deleted = await reconcileEc2.send(new DeleteTrafficMirrorSessionCommand({ TrafficMirrorSessionId: foreign })).then(
      () => undefined,
      (error: unknown) => error,
    );
    const stopped = await eventEcs.send(new StopTaskCommand({ cluster: 'apps', task: taskArn })).then(
      () => undefined,
      (error: unknown) => error,
    );
    reconcileEc2.destroy();
    eventEcs.destroy();
    // assess
    expect(deleted).toMatchObject({ name: 'UnauthorizedOperation', $metadata: { httpStatusCode: 403 } });
    expect(stopped).toMatchObject({ name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } });
    expect(await world.sessionsOnEni(world.eniOf(taskArn))).toHaveLength(1);
    expect(await world.describeTask(taskArn)).toMatchObject({ desiredStatus: 'RUNNING' });
  });
});
