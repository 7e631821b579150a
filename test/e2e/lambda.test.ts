import type { SQSBatchResponse } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TaskEventResult } from '../../src/app/results.js';
import type { ConfigError } from '../../src/core/errors.js';
import { groundTruth } from '../../src/emulator/ground-truth.js';
import type { TimeLeft } from '../../src/lambda/on-task-event.js';
import { startFaultProxy } from '../support/fault-proxy.js';
import { forgedEvents } from './support/forged-events.js';
import { CREDENTIALS, startWorld, type World } from './support/world.js';

/**
 * The Lambda entry points themselves, configured only through process.env as in AWS: the SDK
 * finds the emulator through AWS_ENDPOINT_URL. Each test imports the handler afresh, because a
 * handler keeps its dependencies for the life of the (warm) process.
 */
let world: World;

async function onTaskEvent(): Promise<(event: unknown, context?: TimeLeft) => Promise<SQSBatchResponse | TaskEventResult>> {
  vi.resetModules();
  return (await import('../../src/lambda/on-task-event.js')).handler;
}

async function onSchedule() {
  vi.resetModules();
  return (await import('../../src/lambda/on-schedule.js')).handler;
}

function lambdaEnvironment(extra: Record<string, string | undefined> = {}): void {
  const env: Record<string, string | undefined> = {
    AWS_ENDPOINT_URL: world.emulator.url,
    AWS_REGION: world.emulator.region,
    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
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
});

afterEach(async () => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  await world.close();
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
    lambdaEnvironment({ MIRROR_TARGET_ID: 'tmt-0123456789abcdef0' });
    const handler = await onTaskEvent();
    // act
    const outcome = handler(world.eventOf(taskArn, 'RUNNING'));
    // assess
    await expect(outcome).rejects.toMatchObject({ name: 'TaskEventFailedError', message: expect.stringContaining('InvalidTrafficMirrorTargetId.NotFound') });
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
    lambdaEnvironment();
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
