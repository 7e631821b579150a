import { CreateTrafficMirrorSessionCommand, EC2Client } from '@aws-sdk/client-ec2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STOP_REASON } from '../../src/app/unsupported-eni.js';
import { groundTruth } from '../../src/emulator/ground-truth.js';
import { handleOne, onlyEni, pipeEvents, type EventPipeline } from './support/handle.js';
import { CREDENTIALS, CountingMetrics, WAIT_MS, startWorld, tagsOf, waitFor, type World } from './support/world.js';

/**
 * The event path end to end: real ECS Task State Change events from the emulator, the real
 * handleTaskEvents with deps composed as the Lambda composes them, the AWS SDK over HTTP.
 */
let world: World;
let pipeline: EventPipeline | undefined;

beforeEach(async () => {
  world = await startWorld();
});

afterEach(async () => {
  pipeline?.stop();
  pipeline = undefined;
  expect(world.emulator.ecs.backgroundErrors()).toEqual([]);
  await world.close();
});

describe('event path outcomes', () => {
  it('creates exactly one tagged session from the PENDING event, and finds it on the RUNNING one', async () => {
    // prepare
    const taskArn = await world.runningTask();
    const eniId = world.eniOf(taskArn);
    // act
    const pending = await handleOne(world.eventOf(taskArn, 'PENDING'), world.deps());
    const running = await handleOne(world.eventOf(taskArn, 'RUNNING'), world.deps());
    // assess
    expect(pending.failure).toBeUndefined();
    expect(onlyEni(pending)).toMatchObject({ networkInterfaceId: eniId, outcome: 'created' });
    const sessions = await world.sessionsOnEni(eniId);
    expect(sessions).toHaveLength(1);
    const [session] = sessions;
    expect(session).toMatchObject({ TrafficMirrorTargetId: world.targetId, TrafficMirrorFilterId: world.filterId, SessionNumber: 1 });
    expect(tagsOf(session ?? {})).toMatchObject({
      'ecs-traffic-mirror:managed': 'true',
      'ecs-traffic-mirror:task-arn': taskArn,
      'ecs-traffic-mirror:cluster': 'apps',
      'ecs-traffic-mirror:eni': eniId,
    });
    expect(onlyEni(pending).sessionId).toBe(session?.TrafficMirrorSessionId);
    // A fresh process (no memory of the first) finds the session in EC2 instead of creating another.
    expect(onlyEni(running)).toMatchObject({ outcome: 'exists', sessionId: session?.TrafficMirrorSessionId });
    expect(await world.sessionsOnEni(eniId)).toHaveLength(1);
  });

  it('leaves a task of a cluster outside MIRROR_CLUSTERS alone', async () => {
    // prepare
    const taskArn = await world.runningTask();
    // act
    const result = await handleOne(world.eventOf(taskArn, 'RUNNING'), world.deps({ MIRROR_CLUSTERS: 'payments' }));
    // assess
    expect(onlyEni(result)).toMatchObject({ outcome: 'out-of-scope' });
    expect(await world.sessionsOnEni(world.eniOf(taskArn))).toEqual([]);
  });

  it('skips a STOPPED event and creates nothing', async () => {
    // prepare
    const taskArn = await world.runningTask();
    await world.stopTask(taskArn);
    await world.emulator.ecs.waitForTaskStatus(taskArn, 'STOPPED', WAIT_MS);
    // act
    const result = await handleOne(world.eventOf(taskArn, 'STOPPED'), world.deps());
    // assess
    expect(result.failure).toBeUndefined();
    expect(result.enis.map((eni) => eni.outcome)).toEqual(['skipped-status']);
    expect(world.sessionCountToTarget()).toBe(0);
  });

  it('skips a PROVISIONING event (the product acts on PENDING, ACTIVATING and RUNNING only)', async () => {
    // prepare
    const taskArn = await world.runningTask();
    // act
    const result = await handleOne(world.eventOf(taskArn, 'PROVISIONING'), world.deps());
    // assess
    expect(result.failure).toBeUndefined();
    expect(onlyEni(result)).toMatchObject({ outcome: 'skipped-status' });
    expect(world.sessionCountToTarget()).toBe(0);
  });

  it('reports an ENI that is not ATTACHED yet in a mirrorable event as not-attached', async () => {
    // prepare: the emulator attaches the ENI in the same step as PENDING, so this takes the real
    // PROVISIONING event (attachment PRECREATED, no interface id yet) as a PENDING one would look
    // if ECS announced the status before the attachment.
    const taskArn = await world.runningTask();
    const provisioning = world.eventOf(taskArn, 'PROVISIONING');
    const event = { ...provisioning, detail: { ...provisioning.detail, lastStatus: 'PENDING' } };
    // act
    const result = await handleOne(event, world.deps());
    // assess
    expect(result.failure).toBeUndefined();
    expect(onlyEni(result)).toMatchObject({ outcome: 'not-attached', reason: 'ENI is PRECREATED' });
    expect(world.sessionCountToTarget()).toBe(0);
  });
});

describe('unsupported ENIs', () => {
  beforeEach(() => {
    world.emulator.setFaults({ unsupportedEniRate: 1 });
  });

  it('report: tags the task and leaves it running', async () => {
    // prepare
    const taskArn = await world.runningTask();
    const eniId = world.eniOf(taskArn);
    // act
    const result = await handleOne(world.eventOf(taskArn, 'RUNNING'), world.deps());
    // assess
    expect(result.failure).toBeUndefined();
    expect(onlyEni(result)).toMatchObject({ networkInterfaceId: eniId, outcome: 'unsupported' });
    expect(await world.taskTags(taskArn)).toMatchObject({ 'ecs-traffic-mirror:unsupported': eniId });
    expect(await world.describeTask(taskArn)).toMatchObject({ lastStatus: 'RUNNING', desiredStatus: 'RUNNING' });
    expect(await world.sessionsOnEni(eniId)).toEqual([]);
  });

  it('stop-task: stops a service task, the service replaces it, and the budget spares the next one', async () => {
    // prepare
    await world.createService('api', 1);
    const deps = world.deps({ MIRROR_UNSUPPORTED_POLICY: 'stop-task', MIRROR_CLUSTERS: 'apps', MIRROR_STOP_MAX_PER_SERVICE: '1' });
    const [first = ''] = await waitFor('the service to start a task', async () => {
      const arns = await world.serviceTaskArns('api');
      return arns.length === 1 ? arns : undefined;
    });
    await world.emulator.ecs.waitForTaskStatus(first, 'RUNNING', WAIT_MS);
    // act
    const stopped = await handleOne(world.eventOf(first, 'RUNNING'), deps);
    const replacement = await waitFor('the service to replace the stopped task', async () => {
      const arns = await world.serviceTaskArns('api');
      return arns.find((arn) => arn !== first);
    });
    await world.emulator.ecs.waitForTaskStatus(replacement, 'RUNNING', WAIT_MS);
    const spared = await handleOne(world.eventOf(replacement, 'RUNNING'), deps);
    // assess
    expect(onlyEni(stopped)).toMatchObject({ outcome: 'stopped-task' });
    expect((await world.describeTask(first)).stoppedReason?.startsWith(STOP_REASON)).toBe(true);
    expect(onlyEni(spared).outcome).toBe('unsupported');
    expect(onlyEni(spared).reason).toMatch(/stop budget spent/);
    expect(await world.describeTask(replacement)).toMatchObject({ desiredStatus: 'RUNNING' });
    expect(spared.failure).toBeUndefined();
  });

  it('stop-task: never stops a standalone task', async () => {
    // prepare
    const taskArn = await world.runningTask();
    // act
    const result = await handleOne(world.eventOf(taskArn, 'RUNNING'), world.deps({ MIRROR_UNSUPPORTED_POLICY: 'stop-task', MIRROR_CLUSTERS: 'apps' }));
    // assess
    expect(onlyEni(result).outcome).toBe('unsupported');
    expect(onlyEni(result).reason).toMatch(/standalone/);
    expect(await world.describeTask(taskArn)).toMatchObject({ lastStatus: 'RUNNING', desiredStatus: 'RUNNING' });
    expect(await world.taskTags(taskArn)).toHaveProperty(['ecs-traffic-mirror:unsupported']);
  });
});

describe('AWS being slow or busy', () => {
  it('retries an ENI that EC2 does not see yet and still creates its session', async () => {
    // prepare
    world.emulator.setFaults({ lateEniRate: 1, lateEniDelayMs: 300 });
    const metrics = new CountingMetrics();
    const deps = world.deps({ MIRROR_ENI_RETRY_BASE_MS: '25', MIRROR_ENI_RETRY_ATTEMPTS: '8' }, metrics);
    const [taskArn = ''] = await world.runTasks(1);
    await world.emulator.ecs.waitForTaskStatus(taskArn, 'PENDING', WAIT_MS);
    // act: the PENDING event as soon as it is delivered, while EC2 still answers NotFound
    const result = await handleOne(world.eventOf(taskArn, 'PENDING'), deps);
    // assess
    expect(result.failure).toBeUndefined();
    expect(onlyEni(result).outcome).toBe('created');
    expect(metrics.get('EniNotFoundRetried')).toBeGreaterThan(0);
    expect(await world.sessionsOnEni(world.eniOf(taskArn))).toHaveLength(1);
  });

  it('returns a throttled failure when EC2 throttles and no attempt is left, and succeeds with retries', async () => {
    // prepare
    const taskArn = await world.runningTask();
    const event = world.eventOf(taskArn, 'RUNNING');
    const roomy = { capacity: 1000, refillPerSecond: 1000 };
    const probe = new EC2Client({ endpoint: world.emulator.url, region: world.emulator.region, credentials: { ...CREDENTIALS }, maxAttempts: 1 });
    // Takes the one CreateTrafficMirrorSession token: EC2 keeps one bucket per action (request
    // throttling page). The call itself fails NotFound, as intended.
    const drainMutatingBucket = () =>
      probe
        .send(
          new CreateTrafficMirrorSessionCommand({
            NetworkInterfaceId: 'eni-0000000000000000f',
            TrafficMirrorTargetId: world.targetId,
            TrafficMirrorFilterId: world.filterId,
            SessionNumber: 1,
          }),
        )
        .then(
        () => undefined,
        () => undefined,
      );
    try {
      world.emulator.setFaults({ ec2Throttling: { mutating: { capacity: 1, refillPerSecond: 0.05 }, nonMutating: roomy, createTags: roomy } });
      await drainMutatingBucket();
      // act 1: one attempt only
      const failed = await handleOne(event, world.deps({ MIRROR_AWS_MAX_ATTEMPTS: '1' }));
      // assess 1: not swallowed
      expect(failed.failure).toMatchObject({ kind: 'throttled', outcome: 'retry', awsCode: 'RequestLimitExceeded' });
      expect(onlyEni(failed).outcome).toBe('failed');
      expect(world.sessionCountToTarget()).toBe(0);

      // prepare 2: a bucket that refills twice a second, empty again
      world.emulator.setFaults({ ec2Throttling: { mutating: { capacity: 1, refillPerSecond: 2 }, nonMutating: roomy, createTags: roomy } });
      await drainMutatingBucket();
      const throttledBefore = world.emulator.stats().ec2.throttled['CreateTrafficMirrorSession'] ?? 0;
      // act 2: default attempts
      const retried = await handleOne(event, world.deps());
      // assess 2
      expect(retried.failure).toBeUndefined();
      expect(onlyEni(retried).outcome).toBe('created');
      expect(world.emulator.stats().ec2.throttled['CreateTrafficMirrorSession'] ?? 0).toBeGreaterThan(throttledBefore);
      expect(await world.sessionsOnEni(world.eniOf(taskArn))).toHaveLength(1);
    } finally {
      probe.destroy();
    }
  });
});

describe('delivery: duplicates, reordering, concurrency', () => {
  it('mirrors each ENI exactly once when every event is duplicated and reordered', async () => {
    // prepare
    world.emulator.setFaults({ duplicateEventRate: 1, reorderEventRate: 1 });
    // Small batches, two at a time, each in a "cold" process: duplicates meet in different invocations.
    pipeline = pipeEvents(world.emulator, () => world.deps(), { batchSize: 2 });
    // act
    await world.runTasks(6);
    await world.emulator.ecs.idle(WAIT_MS);
    await pipeline.queue.drained();
    // assess
    const stats = world.emulator.ecs.deliveryStats();
    expect(stats.duplicated).toBeGreaterThan(0);
    expect(stats.reordered).toBeGreaterThan(0);
    const truth = await groundTruth(world.emulator, world.targetId);
    expect(truth).toMatchObject({ mirrorable: 6, mirrored: 6, duplicateSessions: 0, sessionsToTarget: 6 });
    expect(pipeline.failures()).toEqual([]);
    expect(pipeline.queue.stats().deadLettered).toBe(0);
  });

  it('two processes handling the same event at once create one session (client token)', async () => {
    // prepare
    const taskArn = await world.runningTask();
    const event = world.eventOf(taskArn, 'RUNNING');
    // act
    const [a, b] = await Promise.all([handleOne(event, world.deps()), handleOne(event, world.deps())]);
    // assess
    const sessions = await world.sessionsOnEni(world.eniOf(taskArn));
    expect(sessions).toHaveLength(1);
    expect(onlyEni(a).sessionId).toBe(sessions[0]?.TrafficMirrorSessionId);
    expect(onlyEni(b).sessionId).toBe(sessions[0]?.TrafficMirrorSessionId);
  });

  it('mirrors the replacement of a stopped service task; the old session goes with its ENI', async () => {
    // prepare
    pipeline = pipeEvents(world.emulator, world.deps());
    await world.createService('api', 2);
    await world.emulator.ecs.idle(WAIT_MS);
    await pipeline.queue.drained();
    const [victim = '', survivor = ''] = await world.serviceTaskArns('api');
    const oldEni = world.eniOf(victim);
    expect(await world.sessionsOnEni(oldEni)).toHaveLength(1);
    // act
    await world.stopTask(victim);
    await world.emulator.ecs.waitForTaskStatus(victim, 'STOPPED', WAIT_MS);
    await world.emulator.ecs.idle(WAIT_MS);
    await pipeline.queue.drained();
    // assess
    const now = await world.serviceTaskArns('api');
    const replacement = now.find((arn) => arn !== victim && arn !== survivor);
    expect(now).toHaveLength(2);
    expect(replacement).toBeDefined();
    const newSessions = await world.sessionsOnEni(world.eniOf(replacement ?? ''));
    expect(newSessions).toHaveLength(1);
    expect(tagsOf(newSessions[0] ?? {})['ecs-traffic-mirror:task-arn']).toBe(replacement);
    expect(world.emulator.network.enis.has(oldEni)).toBe(false);
    expect(await world.sessionsOnEni(oldEni)).toEqual([]);
    const truth = await groundTruth(world.emulator, world.targetId);
    expect(truth).toMatchObject({ mirrorable: 2, mirrored: 2, duplicateSessions: 0, sessionsToTarget: 2 });
    expect(pipeline.failures()).toEqual([]);
  });
});

describe('ARNs and sessions of others', () => {
  it('mirrors a task with an old-format ARN (no cluster segment)', async () => {
    // prepare
    world.emulator.ecs.setTaskArnFormat('old');
    const taskArn = await world.runningTask();
    expect(taskArn).toMatch(/:task\/[0-9a-f-]+$/);
    // act
    const result = await handleOne(world.eventOf(taskArn, 'RUNNING'), world.deps());
    // assess
    expect(onlyEni(result).outcome).toBe('created');
    const [session] = await world.sessionsOnEni(world.eniOf(taskArn));
    expect(tagsOf(session ?? {})).toMatchObject({ 'ecs-traffic-mirror:cluster': 'apps', 'ecs-traffic-mirror:task-arn': taskArn });
  });

  it('leaves a foreign session to another target untouched and adds ours as session number 2', async () => {
    // prepare
    const taskArn = await world.runningTask();
    const eniId = world.eniOf(taskArn);
    const foreignId = world.foreignSession(eniId);
    // act
    const result = await handleOne(world.eventOf(taskArn, 'RUNNING'), world.deps());
    // assess
    expect(onlyEni(result).outcome).toBe('created');
    const sessions = await world.sessionsOnEni(eniId);
    expect(sessions).toHaveLength(2);
    const foreign = sessions.find((s) => s.TrafficMirrorSessionId === foreignId);
    const ours = sessions.find((s) => s.TrafficMirrorSessionId !== foreignId);
    expect(foreign).toMatchObject({ SessionNumber: 1 });
    expect(foreign?.TrafficMirrorTargetId).not.toBe(world.targetId);
    expect(tagsOf(foreign ?? {})).toEqual({});
    expect(ours).toMatchObject({ SessionNumber: 2, TrafficMirrorTargetId: world.targetId, TrafficMirrorSessionId: onlyEni(result).sessionId });
    expect(tagsOf(ours ?? {})['ecs-traffic-mirror:managed']).toBe('true');
  });

  it('counts an unmanaged session to our own target (the seed’s) as existing and adds none', async () => {
    // prepare
    const taskArn = await world.runningTask();
    const eniId = world.eniOf(taskArn);
    const seedSession = world.foreignSession(eniId, { toOurTarget: true });
    // act
    const result = await handleOne(world.eventOf(taskArn, 'RUNNING'), world.deps());
    // assess
    expect(result.failure).toBeUndefined();
    expect(onlyEni(result)).toMatchObject({ outcome: 'exists', sessionId: seedSession });
    const sessions = await world.sessionsOnEni(eniId);
    expect(sessions.map((s) => s.TrafficMirrorSessionId)).toEqual([seedSession]);
    expect(tagsOf(sessions[0] ?? {})).toEqual({});
  });
});
